import type { Config } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { RunResult } from '../github/outputs.js'
import type { Host } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { setModelVersionTag } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { attestModelProvenance } from '../provenance/attest.js'
import { MODEL_DIGEST_TAG } from '../provenance/registration-signing.js'

/** The version tag that links to the model's attestation. */
export const ATTESTATION_TAG = 'mlflow_register.attestation_url'

/** The host, HTTP client and configuration of the attest step. */
export interface AttestStep {
  readonly host: Host
  readonly http: HttpClient
  readonly config: Config
}

/**
 * Attests the build provenance of a registered version's model digest,
 * records the attestation's URL in a version tag and in the result. A
 * reused version is attested too, with the digest this run computed or
 * the one its tag records.
 */
export async function attestVersion(
  step: AttestStep,
  version: ModelVersion,
  digest: string | undefined,
  result: RunResult
): Promise<void> {
  const { host, http, config } = step
  const sha256 = digest ?? digestTag(version)
  if (sha256 === undefined) throw missingDigest(version)

  host.log.info(
    `Attesting the build provenance of '${version.name}' with model ` +
      `digest ${sha256}`
  )
  const attestation = await attestModelProvenance({
    modelName: version.name,
    sha256,
    githubToken: config.bundle.githubToken ?? '',
    env: host.env,
    setSecret: value => {
      host.setSecret(value)
    },
    ...(host.attestationIssuer === undefined
      ? {}
      : { issuer: host.attestationIssuer })
  })
  result.attestation = attestation
  host.log.info(`Stored the attestation ${attestation.url}`)
  await setModelVersionTag(http, version.name, version.version, {
    key: ATTESTATION_TAG,
    value: attestation.url
  })
}

function digestTag(version: ModelVersion): string | undefined {
  return version.tags.find(tag => tag.key === MODEL_DIGEST_TAG)?.value
}

function missingDigest(version: ModelVersion): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'CLIENT_CONFIG',
      `Version ${version.version} of '${version.name}' was reused, and ` +
        `it has no ${MODEL_DIGEST_TAG} tag, so there is no model digest ` +
        'to attest.',
      'Register a new version (`force-new-version: true`): with ' +
        '`attest`, the action computes its model digest from ' +
        '`model-path` or the files of `source`.'
    )
  )
}
