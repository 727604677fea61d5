import type { KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { nodeCrypto } from '../node-crypto.js'
import { booleanSchema, parseSetting, quote, settingLabel } from './fields.js'
import type { Mode } from './config.js'
import { SIGNING_METHODS, type InputName } from './inputs.js'
import type { Setting } from './settings.js'
import {
  parseSigstoreSettings,
  type SigstoreSettings
} from './sigstore-settings.js'

/** The signing method and the keys that sign and check signatures. */
export interface SigningSettings {
  readonly method: (typeof SIGNING_METHODS)[number]
  /** The private key of `signing: key`, never logged or written. */
  readonly privateKey?: KeyObject
  /** The public key that checks key signatures. */
  readonly verifyKey?: KeyObject
  /** Whether a `runs:/` or `models:/` source is verified first. */
  readonly verifySignature: boolean
  /** Whether the files of a `source` are hashed for its model digest. */
  readonly digestSource: boolean
  /** The expected signer of a keyless signature. */
  readonly identity?: { readonly identity: string; readonly issuer: string }
  /** The Sigstore services and trusted root of keyless signatures. */
  readonly sigstore: SigstoreSettings
}

type SettingReader = (name: InputName) => Setting | undefined

/**
 * Validates the signing inputs. Keys are parsed here, so a wrong key
 * fails before any request. The messages never quote a private key.
 */
export function parseSigningSettings(
  get: SettingReader,
  mode: Mode,
  workspace: string
): SigningSettings {
  const method = parseSetting(
    'signing',
    get('signing') ?? { value: 'none', origin: 'default' },
    z.enum(SIGNING_METHODS),
    SIGNING_METHODS.join(', '),
    'Set `signing` to none, key or sigstore.'
  )
  const verifySignature = readSwitch(get, 'verify-signature')
  const digestSource = readSwitch(get, 'digest-source')
  const privateKey = readPrivateKey(get('signing-key'), method)
  const verifyKey = readPublicKey(get('verify-key'), workspace)
  const identity = readIdentity(get)
  if ((mode === 'verify' || verifySignature) && !verifyKey && !identity) {
    throw configError(
      'input `verify-key`',
      `${mode === 'verify' ? '`mode: verify`' : '`verify-signature`'} ` +
        'needs a key or a signer identity to check the signature against',
      'Set `verify-key` to the PEM public key, or set both ' +
        '`certificate-identity` and `certificate-oidc-issuer`.'
    )
  }
  return {
    method,
    verifySignature,
    digestSource,
    sigstore: parseSigstoreSettings(get, workspace),
    ...(privateKey ? { privateKey } : {}),
    ...(verifyKey ? { verifyKey } : {}),
    ...(identity ? { identity } : {})
  }
}

function readPrivateKey(
  setting: Setting | undefined,
  method: SigningSettings['method']
): KeyObject | undefined {
  if (method !== 'key') return undefined
  const label = settingLabel('signing-key', setting)
  if (!setting) {
    throw configError(
      'input `signing-key`',
      '`signing: key` needs a private key, and none is set',
      'Pass the PEM private key from a repository secret, or set ' +
        '`signing` to none.'
    )
  }
  try {
    return nodeCrypto().createPrivateKey({ key: setting.value, format: 'pem' })
  } catch {
    // The error text of OpenSSL can quote key bytes, so it is dropped.
    throw configError(
      label,
      'it is not an unencrypted PEM private key',
      'Pass the whole PEM text, from -----BEGIN to -----END, of an ' +
        'unencrypted EC key.'
    )
  }
}

function readPublicKey(
  setting: Setting | undefined,
  workspace: string
): KeyObject | undefined {
  if (!setting) return undefined
  const label = settingLabel('verify-key', setting)
  let text = setting.value
  if (!text.includes('-----BEGIN')) {
    const file = path.resolve(workspace, text)
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      throw configError(
        label,
        `${quote(setting.value)} is neither PEM text nor a readable file`,
        'Pass the PEM public key itself, or the path of its file.'
      )
    }
  }
  // Node derives a public key from a private one, but a private key in
  // this input, which is not masked, would be a leaked secret.
  if (text.includes('PRIVATE KEY-----')) {
    throw configError(
      label,
      'it holds a private key, where only the public key belongs',
      'Pass the output of `openssl ec -in key.pem -pubout`, and replace ' +
        'the private key, which is no longer secret.'
    )
  }
  try {
    return nodeCrypto().createPublicKey({ key: text, format: 'pem' })
  } catch {
    throw configError(
      label,
      'it does not hold a PEM public key',
      'Export the public key with `openssl ec -in key.pem -pubout`.'
    )
  }
}

function readIdentity(
  get: SettingReader
): SigningSettings['identity'] | undefined {
  const identity = get('certificate-identity')?.value
  const issuer = get('certificate-oidc-issuer')?.value
  if (identity === undefined && issuer === undefined) return undefined
  if (identity === undefined || issuer === undefined) {
    const missing =
      identity === undefined
        ? 'certificate-identity'
        : 'certificate-oidc-issuer'
    throw configError(
      `input \`${missing}\``,
      'a keyless signer is named by both an identity and an issuer, ' +
        'and only one is set',
      'Set both `certificate-identity` and `certificate-oidc-issuer`.'
    )
  }
  return { identity, issuer }
}

/**
 * Checks that signing and verification apply to where the model is:
 * `signing` signs the files of `model-path` as they are uploaded, and
 * `verify-signature` checks a `source` that is already on the server.
 */
export function checkSigningTarget(
  signing: SigningSettings,
  location: { readonly source?: string; readonly modelPath?: string }
): void {
  if (signing.method !== 'none' && location.source !== undefined) {
    throw configError(
      'input `signing`',
      `\`signing: ${signing.method}\` signs the files of \`model-path\` ` +
        'as they are uploaded, and this registration uses `source`',
      'Sign the model before logging it (`model_signing sign`) and set ' +
        '`verify-signature: true`, or register from `model-path`.'
    )
  }
  if (signing.verifySignature && location.modelPath !== undefined) {
    throw configError(
      'input `verify-signature`',
      'it checks a `source` that is already on the tracking server, and ' +
        'this registration uploads `model-path`',
      'Remove `verify-signature`, or set `signing: key` or `signing: ' +
        'sigstore` to sign the uploaded files.'
    )
  }
  if (signing.digestSource && location.modelPath !== undefined) {
    throw configError(
      'input `digest-source`',
      'it hashes the files of a `source` on the tracking server, and this ' +
        'registration uploads `model-path`, whose model digest is always ' +
        'computed',
      'Remove `digest-source`.'
    )
  }
}

/** Reads a true/false input that is false when unset. */
function readSwitch(
  get: SettingReader,
  name: 'verify-signature' | 'digest-source'
): boolean {
  return parseSetting(
    name,
    get(name) ?? { value: 'false', origin: 'default' },
    booleanSchema,
    'true or false',
    `Set \`${name}\` to true or false.`
  )
}
