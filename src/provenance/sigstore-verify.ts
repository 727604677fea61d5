/**
 * Verification of a keyless Sigstore bundle over an in-toto statement:
 * the certificate chains to the trusted root's Fulcio, Rekor witnessed
 * the signature, the envelope signs exactly this statement, and the
 * certificate names the expected identity and OIDC issuer.
 */
import { readFileSync } from 'node:fs'

import {
  bundleFromJSON,
  isBundleWithDsseEnvelope,
  type Bundle
} from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import {
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  Verifier,
  type Signer
} from '@sigstore/verify'
import { z } from 'zod'

import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'
import { IN_TOTO_PAYLOAD_TYPE } from './statement.js'

/** The signer a bundle must name, as its certificate records it. */
export interface ExpectedSigner {
  /** The certificate's subject alternative name, compared exactly. */
  readonly identity: string
  /** The OIDC issuer that Fulcio recorded, compared exactly. */
  readonly issuer: string
}

/** The trust material for verification. */
export interface SigstoreVerifyOptions {
  /**
   * Path of a Sigstore trusted root (the `trusted_root.json` that
   * Sigstore's TUF repository distributes, or one built for a private
   * instance).
   */
  readonly trustedRootPath?: string
  /** The trusted root's JSON, already parsed; used instead of the path. */
  readonly trustedRoot?: unknown
}

const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot'

/** The parts of a trusted root that show it is one, checked up front. */
const trustedRootSchema = z.looseObject({
  mediaType: z.string().startsWith(TRUSTED_ROOT_MEDIA_TYPE),
  certificateAuthorities: z.array(z.unknown()).min(1),
  tlogs: z.array(z.unknown()).optional()
})

/** The signer that a verified bundle names. */
export interface VerifiedSigner {
  readonly identity: string
  readonly issuer: string
}

/**
 * Verifies a Sigstore bundle over `statement` and returns its signer.
 * Each failure is a DiagnosedError: `SIGNATURE_INVALID` for anything the
 * cryptography or the bundle's form rejects, `SIGNER_IDENTITY_MISMATCH`
 * and `SIGNER_ISSUER_MISMATCH` for a valid signature by someone else.
 */
export function verifySigstoreBundle(
  bundle: unknown,
  statement: Buffer,
  expected: ExpectedSigner,
  options: SigstoreVerifyOptions = {}
): VerifiedSigner {
  const verifier = new Verifier(readTrustMaterial(options))
  const parsed = parseBundle(bundle)
  checkCoversStatement(parsed, statement)

  let signer: Signer
  try {
    signer = verifier.verify(toSignedEntity(parsed))
  } catch (error) {
    throw invalidSignature(describeFailure(error), {
      cause: error,
      trustChain: isTrustChainFailure(error)
    })
  }
  return checkSigner(signer, expected)
}

/**
 * Reads and checks the trusted root.
 *
 * NOTE: Sigstore clients normally fetch the public-good trusted root from
 * Sigstore's TUF repository. This module does not, because runners that
 * register models may be offline, so a trusted root must always be given.
 */
function loadTrustedRoot(options: SigstoreVerifyOptions): TrustedRoot {
  const path = options.trustedRootPath ?? ''
  const source = options.trustedRoot === undefined ? path : 'the given JSON'
  const json =
    options.trustedRoot === undefined
      ? readTrustedRootFile(path)
      : options.trustedRoot
  const result = trustedRootSchema.safeParse(json)
  if (!result.success) {
    throw configError(
      'input `sigstore-trusted-root`',
      `expected a Sigstore trusted root (media type ` +
        `${TRUSTED_ROOT_MEDIA_TYPE}, at least one certificate authority) ` +
        `in ${source}`,
      'Set `sigstore-trusted-root` to the trusted_root.json of the ' +
        'Sigstore instance that signed.'
    )
  }
  return TrustedRoot.fromJSON(result.data)
}

function readTrustMaterial(options: SigstoreVerifyOptions) {
  const trustedRoot = loadTrustedRoot(options)
  try {
    return toTrustMaterial(trustedRoot)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw configError(
      'input `sigstore-trusted-root`',
      `the trusted root's certificates or keys are invalid: ${reason}`,
      'Give the trusted_root.json of the Sigstore instance that signed.'
    )
  }
}

function readTrustedRootFile(path: string): unknown {
  if (path === '') {
    throw configError(
      'input `sigstore-trusted-root`',
      'no Sigstore trusted root was given, and it is not fetched from ' +
        "Sigstore's TUF repository because the runner may be offline",
      'Give the path of a trusted_root.json, such as the one ' +
        '`sigstore-python` or `cosign` stores after a TUF update.'
    )
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw configError(
      'input `sigstore-trusted-root`',
      `expected a JSON trusted root at ${path}, but reading it failed: ` +
        reason,
      'Give the path of a readable trusted_root.json.'
    )
  }
}

function parseBundle(bundle: unknown): Bundle {
  try {
    return bundleFromJSON(bundle)
  } catch (error) {
    throw invalidSignature(
      `the signature is not a valid Sigstore bundle: ${describeFailure(error)}`,
      { cause: error }
    )
  }
}

/**
 * Checks that the envelope carries exactly this statement. Sigstore's
 * verifier checks the envelope's signature over its own payload only.
 */
function checkCoversStatement(bundle: Bundle, statement: Buffer): void {
  if (!isBundleWithDsseEnvelope(bundle)) {
    throw invalidSignature(
      'the bundle contains a message signature, not a DSSE envelope'
    )
  }
  const envelope = bundle.content.dsseEnvelope
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw invalidSignature(
      `the envelope's payload type is ${JSON.stringify(envelope.payloadType)}` +
        `, expected ${IN_TOTO_PAYLOAD_TYPE}`
    )
  }
  if (!envelope.payload.equals(statement)) {
    throw invalidSignature(
      'the envelope signs another statement than the one given'
    )
  }
}

function checkSigner(signer: Signer, expected: ExpectedSigner): VerifiedSigner {
  const identity = signer.identity?.subjectAlternativeName ?? ''
  const issuer = signer.identity?.extensions?.issuer ?? ''
  if (identity !== expected.identity) {
    throw new DiagnosedError(
      diagnose(
        'SIGNER_IDENTITY_MISMATCH',
        `The certificate names the identity ${JSON.stringify(identity)}, ` +
          `but ${JSON.stringify(expected.identity)} was expected.`,
        'If the signer is legitimate (such as a renamed workflow), update ' +
          'the expected identity; otherwise do not trust the model.'
      )
    )
  }
  if (issuer !== expected.issuer) {
    throw new DiagnosedError(
      diagnose(
        'SIGNER_ISSUER_MISMATCH',
        `The certificate's identity was issued by ${JSON.stringify(issuer)}` +
          `, but ${JSON.stringify(expected.issuer)} was expected.`,
        'Expect the issuer of the signing job, such as ' +
          'https://token.actions.githubusercontent.com for GitHub Actions; ' +
          'an identity from another issuer is not the same signer.'
      )
    )
  }
  return { identity, issuer }
}

function invalidSignature(
  detail: string,
  options?: ErrorOptions & { readonly trustChain?: boolean }
): DiagnosedError {
  const fix = options?.trustChain
    ? 'Check `sigstore-trusted-root` first: it must be current (its ' +
      'certificate authority and log keys valid at the signing time) and ' +
      'belong to the Sigstore instance that signed. If it is, do not ' +
      'trust the model.'
    : 'Do not trust the model. Sign it again from the original files; if ' +
      'the signature is new, check that the trusted root is for the ' +
      'Sigstore instance that signed it.'
  return new DiagnosedError(
    diagnose(
      'SIGNATURE_INVALID',
      `The Sigstore bundle does not verify: ${detail}.`,
      fix
    ),
    options
  )
}

/**
 * Tells whether @sigstore/verify failed on the chain to the trusted root
 * (the certificate chain, a log entry or a timestamp). An outdated or
 * foreign trusted root causes these failures too, not only a forgery.
 */
function isTrustChainFailure(error: unknown): boolean {
  if (!(error instanceof VerificationError)) return false
  return /^(CERTIFICATE_ERROR|TLOG_|TIMESTAMP_)/.test(error.code)
}

/** Names what failed, with @sigstore/verify's error code when it has one. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof VerificationError) return `${error.code}: ${message}`
  return message
}
