import { requestIdToken } from '../auth/github-id-token.js'
import type { Config } from '../config/config.js'
import type { SigningSettings } from '../config/signing-settings.js'
import { AVAILABILITY_CODES } from '../diagnosis/codes.js'
import { DiagnosedError, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { RunResult } from '../github/outputs.js'
import type { Host } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { classifyFailure } from '../preflight/classify.js'
import type { IdTokenSource } from '../provenance/sign-model.js'
import { readProvenance, type Provenance } from '../register/provenance.js'
import {
  registerModel,
  type RegistrationContext
} from '../register/register.js'
import { attestVersion } from '../register/attest-version.js'
import { resolveBundleDir } from './bundle-dir.js'
import { writeBundle, type WrittenBundle } from './write-bundle.js'

/** The host, HTTP client and configuration of the registration step. */
export interface RegisterStep {
  readonly host: Host
  readonly http: HttpClient
  readonly config: Config
  /** Every value masked in this run, kept out of the bundle. */
  readonly secrets: readonly string[]
}

/**
 * Decides whether a failure defers the registration into a bundle: only
 * when the server stayed unavailable through the retry budget. Auth,
 * permission, TLS, base-path, validation and configuration failures never
 * clear up by waiting, so a bundle of them could never sync.
 */
export function isDeferrable(diagnosis: Diagnosis): boolean {
  return AVAILABILITY_CODES.has(diagnosis.code)
}

/**
 * Returns why this registration must not be deferred, or undefined when
 * it may be. A bundle records neither `verify-signature` nor
 * `digest-source`, and a sync replays it without them, so deferring such
 * a registration would register its source unchecked.
 */
export function deferralBlocker(config: {
  readonly signing: Pick<SigningSettings, 'verifySignature' | 'digestSource'>
}): string | undefined {
  if (config.signing.verifySignature) {
    return (
      "it must verify its source's signature (`verify-signature`), " +
      'and a sync does not verify it'
    )
  }
  if (config.signing.digestSource) {
    return (
      "it must compute its source's model digest (`digest-source`), " +
      'and a sync does not compute it'
    )
  }
  return undefined
}

/**
 * Rewrites an availability diagnosis for a registration that was not
 * deferred: the code stays, and the detail explains why there is no bundle.
 */
export function notDeferred(diagnosis: Diagnosis, blocker: string): Diagnosis {
  return {
    ...diagnosis,
    detail:
      `${diagnosis.detail} The registration was not deferred, because ` +
      `${blocker}.`,
    fix:
      `${diagnosis.fix} Then run this registration again once the ` +
      'server is reachable.'
  }
}

/**
 * Registers the model version, and when the server is unavailable writes
 * a registry bundle instead (outcome `deferred`). With `on-unavailable:
 * fail` the step still fails after the bundle is written.
 */
export async function registerOrDefer(
  step: RegisterStep,
  result: RunResult
): Promise<void> {
  const { host, http, config } = step
  const progress: RegistrationContext['progress'] = {}
  const provenance = readProvenance(host.env)
  try {
    const context: RegistrationContext = {
      http,
      config,
      provenance,
      log: host.log,
      idTokens: jobIdTokens(host),
      progress
    }
    const registration = await registerModel(context)
    if (progress.preflight) result.preflight = progress.preflight
    result.version = registration.version
    result.outcome = registration.outcome
    if (progress.comparison) result.comparison = progress.comparison
    if (progress.modelDigest) result.modelDigest = progress.modelDigest
  } catch (error) {
    if (progress.preflight) result.preflight = progress.preflight
    if (progress.version) result.version ??= progress.version
    if (progress.comparison) result.comparison = progress.comparison
    if (progress.modelDigest) result.modelDigest = progress.modelDigest
    const diagnosis = classifyFailure(error)
    if (!isDeferrable(diagnosis)) throw error
    const blocker = deferralBlocker(config)
    if (blocker) {
      throw new DiagnosedError(notDeferred(diagnosis, blocker), {
        cause: error
      })
    }
    await deferRegistration(step, provenance, diagnosis, result)
    if (config.bundle.onUnavailable === 'fail') {
      throw new DiagnosedError(diagnosis, { cause: error })
    }
  }
  // The attestation comes after the registration succeeded, outside the
  // deferral above: a failed attestation must not write a bundle.
  const registered =
    result.outcome === 'registered' || result.outcome === 'reused'
  if (config.attest && registered && result.version) {
    await attestVersion(step, result.version, progress.modelDigest, result)
  } else if (config.attest && result.outcome === 'deferred') {
    host.log.warning(
      'The registration was deferred, so the model is not attested; a ' +
        'sync registers it without an attestation.',
      { title: 'Attestation skipped' }
    )
  }
}

async function deferRegistration(
  step: RegisterStep,
  provenance: Provenance,
  diagnosis: Diagnosis,
  result: RunResult
): Promise<void> {
  const { host, config } = step
  const directory = resolveBundleDir(config.bundle.directory, host.env)
  let bundle: WrittenBundle
  try {
    bundle = await writeBundle({
      directory,
      config,
      provenance,
      diagnosis,
      createdVersion: result.version?.version,
      unityCatalog: step.http.isUnityCatalog,
      secrets: step.secrets,
      now: new Date()
    })
  } catch (writeError) {
    // An invalid input, such as a model with file names the artifact
    // proxy refuses, would fail in the same way once the server is back,
    // so that is the failure to report. A file that could not be read
    // for now, as at a limit of the machine, is not such an input.
    if (
      writeError instanceof DiagnosedError &&
      writeError.diagnosis.invalidSetting !== undefined
    ) {
      host.log.warning(
        `${diagnosis.detail} The registration was not deferred, because ` +
          'the model directory is not valid as given; see the error below.',
        { title: `Registration not deferred: ${diagnosis.code}` }
      )
      throw writeError
    }
    host.log.error(
      `The registration could not be deferred: writing the bundle to ` +
        `${directory} failed: ${describeWriteError(writeError)}`,
      { title: 'Registry bundle not written' }
    )
    throw new DiagnosedError(diagnosis, { cause: writeError })
  }

  result.outcome = 'deferred'
  result.diagnosis = diagnosis
  result.bundle = { path: bundle.path }
  // A registration that hashes its large files during the upload has no
  // digest yet when the upload fails; the bundle's copy has one.
  if (bundle.modelDigest) result.modelDigest ??= bundle.modelDigest
  host.log.warning(
    `${diagnosis.detail} The registration of '${config.modelName}' is ` +
      `deferred: its registry bundle is at ${bundle.path}. A sync ` +
      '(`mode: sync`) registers it once the server is back.' +
      (diagnosis.code === 'UNREACHABLE'
        ? ' If the server should be up, check the host and port in ' +
          '`tracking-uri`: a sync registers the bundle only on the ' +
          'tracking URI it was written for.'
        : ''),
    { title: `Registration deferred: ${diagnosis.code}` }
  )

  if (host.bundleStore) {
    const stored = await host.bundleStore.upload(bundle, host.log)
    result.bundle = { path: bundle.path, ...stored }
  }
}

/** Returns the job's ID token source, which masks each token on receipt. */
function jobIdTokens(host: Host): IdTokenSource {
  return {
    requestIdToken,
    setSecret: value => {
      host.setSecret(value)
    }
  }
}

/**
 * Describes why a bundle could not be written: a diagnosed error by its
 * detail and fix, since its message repeats the input in its title.
 */
function describeWriteError(error: unknown): string {
  if (!(error instanceof DiagnosedError)) {
    return error instanceof Error ? error.message : String(error)
  }
  const { detail, fix } = error.diagnosis
  return `${detail}${/[.!?]$/.test(detail) ? '' : '.'} ${fix}`
}
