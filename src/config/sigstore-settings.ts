import { existsSync } from 'node:fs'
import path from 'node:path'

import { z } from 'zod'

import { checkIdTokenAvailable } from '../auth/github-id-token.js'
import { configError } from '../diagnosis/diagnosis.js'
import {
  PUBLIC_GOOD_FULCIO_URL,
  PUBLIC_GOOD_REKOR_URL
} from '../provenance/sigstore-urls.js'
import { parseSetting, settingLabel } from './fields.js'
import type { Mode } from './config.js'
import type { InputName } from './inputs.js'
import type { Setting } from './settings.js'

/** The Sigstore services and trust material of keyless signatures. */
export interface SigstoreSettings {
  /** Base URL of the Fulcio certificate authority. */
  readonly fulcioUrl: string
  /** Base URL of the Rekor transparency log. */
  readonly rekorUrl: string
  /** Absolute path of the trusted root that keyless signatures verify on. */
  readonly trustedRootPath?: string
}

type SettingReader = (name: InputName) => Setting | undefined

const serviceUrlSchema = z
  .url({ protocol: /^https?$/ })
  .transform(url => url.replace(/\/+$/, ''))

/** Validates the Sigstore service URLs and the trusted root's path. */
export function parseSigstoreSettings(
  get: SettingReader,
  workspace: string
): SigstoreSettings {
  const trustedRootPath = readTrustedRootPath(
    get('sigstore-trusted-root'),
    workspace
  )
  return {
    fulcioUrl: parseServiceUrl(
      'sigstore-fulcio-url',
      get('sigstore-fulcio-url'),
      PUBLIC_GOOD_FULCIO_URL
    ),
    rekorUrl: parseServiceUrl(
      'sigstore-rekor-url',
      get('sigstore-rekor-url'),
      PUBLIC_GOOD_REKOR_URL
    ),
    ...(trustedRootPath ? { trustedRootPath } : {})
  }
}

function parseServiceUrl(
  name: InputName,
  setting: Setting | undefined,
  fallback: string
): string {
  return parseSetting(
    name,
    setting ?? { value: fallback, origin: 'default' },
    serviceUrlSchema,
    'an http or https URL',
    `Set \`${name}\` to the base URL of the service, such as ${fallback}.`
  )
}

function readTrustedRootPath(
  setting: Setting | undefined,
  workspace: string
): string | undefined {
  if (!setting) return undefined
  const file = path.resolve(workspace, setting.value)
  if (!existsSync(file)) {
    throw configError(
      settingLabel('sigstore-trusted-root', setting),
      `expected the path of a trusted root JSON file, and ${file} does ` +
        'not exist',
      'Give the trusted_root.json of the Sigstore instance that signs, ' +
        'relative to the workspace or absolute.'
    )
  }
  return file
}

/** The keyless parts of the signing settings that the checks read. */
export interface KeylessUse {
  readonly method: string
  readonly verifySignature: boolean
  readonly identity?: unknown
  readonly sigstore: SigstoreSettings
}

/**
 * Checks, before any request, what keyless signing and verification
 * need: `signing: sigstore` needs the job's ID token, unless a dry run
 * signs nothing, and verifying by `certificate-identity` needs
 * `sigstore-trusted-root`.
 */
export function checkKeylessUse(
  signing: KeylessUse,
  mode: Mode,
  env: NodeJS.ProcessEnv,
  dryRun = false
): void {
  if (signing.method === 'sigstore' && mode === 'register' && !dryRun) {
    checkIdTokenAvailable(env, {
      input: 'signing',
      setting: 'signing is sigstore',
      forkFix:
        'Sign from a workflow that runs on the base repository, or set ' +
        '`signing: none` for pull requests from forks.',
      outsideFix: 'Outside GitHub Actions, use `signing: key`.'
    })
  }
  const verifies = mode === 'verify' || signing.verifySignature
  if (verifies && signing.identity && !signing.sigstore.trustedRootPath) {
    throw configError(
      'input `sigstore-trusted-root`',
      'verifying a keyless signature by `certificate-identity` needs the ' +
        'Sigstore trusted root, which the action never fetches from ' +
        "Sigstore's TUF repository because the runner may be offline",
      'Set `sigstore-trusted-root` to the path of a trusted_root.json, ' +
        'such as the one `cosign` or `sigstore-python` stores after a TUF ' +
        'update.'
    )
  }
}
