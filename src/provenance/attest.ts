/**
 * GitHub build provenance attestations of a model: an SLSA provenance
 * statement about the model's digest, signed with Sigstore and stored in
 * the repository's attestations, through `@actions/attest`.
 */
import { isForkPullRequest } from '../auth/github-id-token.js'
import { quote } from '../config/fields.js'
import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'

/** The subject of an attestation and the credentials to store it. */
export interface AttestationRequest {
  /** The registered model's name, the attestation's subject name. */
  readonly modelName: string
  /** The model's SHA-256 digest, as 64 lowercase hex digits. */
  readonly sha256: string
  /** A token with `attestations: write`, such as the job's GITHUB_TOKEN. */
  readonly githubToken: string
  readonly env: NodeJS.ProcessEnv
  /** Hides a value in every later log line, before its first use. */
  readonly setSecret: (value: string) => void
  /**
   * The issuer of the job's ID tokens; `@actions/attest` derives it from
   * GITHUB_SERVER_URL when unset, for github.com and GHE.com only.
   */
  readonly issuer?: string
}

/** A stored attestation. */
export interface AttestationResult {
  /** The attestation's id in the repository's attestations. */
  readonly id: string
  /** The page that shows the attestation on GitHub. */
  readonly url: string
}

const SHA256_HEX = /^[0-9a-f]{64}$/

/**
 * Attests the build provenance of a model and returns where it is
 * stored. Checks the job's permissions before any request.
 *
 * NOTE: @actions/attest 3.2.0 sends its requests through its own clients
 * and reads the ID token variables from process.env, whatever `env` is.
 * The `ca-cert` and proxy inputs do not apply to those requests.
 */
export async function attestModelProvenance(
  request: AttestationRequest
): Promise<AttestationResult> {
  checkAttestationPermissions(request.env, request.githubToken)
  if (!SHA256_HEX.test(request.sha256)) {
    throw configError(
      'model digest',
      `expected 64 lowercase hex digits of SHA-256, got ` +
        quote(request.sha256),
      'Pass the digest that the model signing step computed.'
    )
  }
  request.setSecret(request.githubToken)

  // Imported on first use: @actions/attest reads the workflow context
  // from the environment when it loads, and only attestations need it.
  const { attestProvenance } = await import('@actions/attest')
  // The API returns a number, though @actions/attest types it a string.
  let id: unknown
  try {
    const attestation = await attestProvenance({
      subjects: [
        { name: request.modelName, digest: { sha256: request.sha256 } }
      ],
      token: request.githubToken,
      ...(request.issuer === undefined ? {} : { issuer: request.issuer })
    })
    id = attestation.attestationID
  } catch (error) {
    throw attestationFailed(
      error instanceof Error ? error.message : String(error),
      { cause: error }
    )
  }
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw attestationFailed('the attestations API returned no id')
  }
  const text = String(id)
  return { id: text, url: attestationUrl(request.env, text) }
}

/**
 * Checks that the job can request an ID token (`id-token: write`) and
 * has a token for the attestations API (`attestations: write`).
 */
export function checkAttestationPermissions(
  env: NodeJS.ProcessEnv,
  githubToken: string
): void {
  const canRequestIdToken =
    Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL) &&
    Boolean(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
  if (!canRequestIdToken) {
    const reason = isForkPullRequest(env)
      ? 'this job runs for a pull request from a fork, and GitHub issues ' +
        'no ID token to those'
      : 'the job lacks the `id-token: write` permission ' +
        '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
        'are not set)'
    throw permissionError(
      `attest is true, but ${reason}`,
      'Add `permissions: id-token: write` to the job (or the workflow); ' +
        'attest from a workflow that runs on the base repository.'
    )
  }
  if (githubToken === '') {
    throw permissionError(
      'attest is true, but input `github-token` is empty, and storing ' +
        'the attestation needs a token with `attestations: write`',
      'Give `github-token: ${{ github.token }}` and add ' +
        '`permissions: attestations: write` to the job.'
    )
  }
}

function permissionError(detail: string, fix: string): DiagnosedError {
  return new DiagnosedError(diagnose('ATTESTATION_PERMISSION', detail, fix))
}

function attestationFailed(
  message: string,
  options?: ErrorOptions
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'ATTESTATION_FAILED',
      `Creating the build provenance attestation failed: ${message.trim()}`,
      'A 403 or 404 means the token cannot write attestations: check ' +
        '`permissions: attestations: write`. Otherwise run the job again.'
    ),
    options
  )
}

/** Builds the attestation's page URL, as GitHub's attest action does. */
function attestationUrl(env: NodeJS.ProcessEnv, id: string): string {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const repository = env.GITHUB_REPOSITORY ?? ''
  return `${server}/${repository}/attestations/${id}`
}
