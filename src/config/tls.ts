import type { KeyObject, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { nodeCrypto } from '../node-crypto.js'
import { booleanSchema, parseSetting, settingLabel } from './fields.js'
import type { InputName } from './inputs.js'
import type { Setting } from './settings.js'

/** A client certificate for mutual TLS, checked against its key. */
export interface ClientCertificate {
  /** The certificate chain as PEM, the client's own certificate first. */
  readonly cert: string
  /** The private key as PEM, as it is in the file (maybe encrypted). */
  readonly key: string
  readonly passphrase?: string
  /** The certificate's subject, issuer and expiry, for logs. */
  readonly subject: string
  readonly issuer: string
  readonly validTo: Date
}

/** TLS settings for connections to the tracking server. */
export interface TlsSettings {
  /** PEM CA certificates to trust instead of Node's bundled roots. */
  readonly ca?: string
  /** The subjects of those CA certificates, for logs. */
  readonly caSubjects: readonly string[]
  readonly clientCertificate?: ClientCertificate
  /** Whether the server's certificate goes unverified (`insecure-tls`). */
  readonly insecure: boolean
}

type Get = (name: InputName) => Setting | undefined

const PEM_BLOCK =
  /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY'
])

/** Parses the PEM blocks of a file, with their labels, in file order. */
const pemSchema = z.string().transform((text, context) => {
  const blocks = [...text.matchAll(PEM_BLOCK)].map(match => ({
    label: match[1] ?? '',
    text: match[0]
  }))
  if (blocks.length === 0) {
    context.addIssue({
      code: 'custom',
      message:
        'it is not a PEM file (no -----BEGIN ...----- block); a DER ' +
        'file must be converted first'
    })
    return z.NEVER
  }
  return blocks
})

type PemBlock = z.infer<typeof pemSchema>[number]

/**
 * Reads and checks `ca-cert`, `client-cert`, `client-key`,
 * `client-key-passphrase` and `insecure-tls` before any connection:
 * every file must be readable PEM, the key must decrypt and belong to the
 * certificate. Messages name the input and the file, never key material
 * or the passphrase.
 */
export function parseTlsSettings(get: Get, workspace: string): TlsSettings {
  const insecure = parseInsecure(get('insecure-tls'))
  const caSetting = get('ca-cert')
  if (insecure && caSetting) {
    // MLflow's Python client rejects the same pair (MlflowHostCreds).
    throw configError(
      'inputs `insecure-tls` and `ca-cert`',
      'both are set, but a CA to verify against and no verification ' +
        'contradict each other',
      'Remove `insecure-tls` (or MLFLOW_TRACKING_INSECURE_TLS): with ' +
        '`ca-cert` the private CA is trusted and verification stays on.'
    )
  }
  const ca = caSetting ? readCaBundle(caSetting, workspace) : undefined
  const clientCertificate = readClientCertificate(get, workspace)
  return {
    ...(ca ? { ca: ca.pem } : {}),
    caSubjects: ca?.subjects ?? [],
    ...(clientCertificate ? { clientCertificate } : {}),
    insecure
  }
}

function parseInsecure(setting: Setting | undefined): boolean {
  if (!setting) return false
  return parseSetting(
    'insecure-tls',
    setting,
    booleanSchema,
    'true or false',
    'Set `insecure-tls` to true or false.'
  )
}

function readCaBundle(
  setting: Setting,
  workspace: string
): { pem: string; subjects: string[] } {
  const file = readPem('ca-cert', setting, workspace)
  const certificates = parseCertificates('ca-cert', setting, file)
  return {
    pem: certificates.map(entry => entry.block.text).join(''),
    subjects: certificates.map(entry => oneLine(entry.certificate.subject))
  }
}

function readClientCertificate(
  get: Get,
  workspace: string
): ClientCertificate | undefined {
  const certSetting = get('client-cert')
  const keySetting = get('client-key')
  const passphrase = get('client-key-passphrase')?.value
  if (!certSetting) {
    if (keySetting) {
      throw configError(
        settingLabel('client-key', keySetting),
        'a client key is set without `client-cert`',
        'Set `client-cert` to the certificate that belongs to the key.'
      )
    }
    return undefined
  }

  const certFile = readPem('client-cert', certSetting, workspace)
  const [leaf, ...chain] = parseCertificates(
    'client-cert',
    certSetting,
    certFile
  )
  if (!leaf) throw new Error('parseCertificates returned no certificate')
  const keySource = keySetting
    ? { name: 'client-key' as const, setting: keySetting }
    : { name: 'client-cert' as const, setting: certSetting }
  const keyBlock = findKey(
    keySource.name,
    keySource.setting,
    keySetting ? readPem('client-key', keySetting, workspace) : certFile
  )
  const key = decryptKey(keySource, keyBlock, get)
  if (!leaf.certificate.checkPrivateKey(key)) {
    throw configError(
      settingLabel(keySource.name, keySource.setting),
      `the private key in ${quotePath(keySource.setting)} does not belong ` +
        `to the certificate in ${quotePath(certSetting)} (subject ` +
        `${oneLine(leaf.certificate.subject)})`,
      'Use the key that was created with this certificate request.'
    )
  }
  return {
    cert: [leaf, ...chain].map(entry => entry.block.text).join(''),
    key: keyBlock.text,
    ...(passphrase === undefined ? {} : { passphrase }),
    subject: oneLine(leaf.certificate.subject),
    issuer: oneLine(leaf.certificate.issuer),
    validTo: leaf.certificate.validToDate
  }
}

function readPem(
  name: InputName,
  setting: Setting,
  workspace: string
): PemBlock[] {
  const file = path.resolve(workspace, setting.value)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error'
    throw configError(
      settingLabel(name, setting),
      `cannot read ${quotePath(setting)} (${code}; resolved to ${file})`,
      `Point \`${name}\` at a readable PEM file, relative to the ` +
        'workspace or absolute.'
    )
  }
  const result = pemSchema.safeParse(text)
  if (result.success) return result.data
  throw configError(
    settingLabel(name, setting),
    `${quotePath(setting)}: ${result.error.issues[0]?.message ?? 'invalid'}`,
    'Convert it to PEM, for example `openssl x509 -inform der -in ' +
      'cert.der -out cert.pem`.'
  )
}

function parseCertificates(
  name: InputName,
  setting: Setting,
  blocks: readonly PemBlock[]
): { block: PemBlock; certificate: X509Certificate }[] {
  const certificates = blocks.filter(block => block.label === 'CERTIFICATE')
  if (certificates.length === 0) {
    throw configError(
      settingLabel(name, setting),
      `${quotePath(setting)} holds no certificate, only ` +
        [...new Set(blocks.map(block => block.label))].join(', '),
      `Point \`${name}\` at the PEM certificate file.`
    )
  }
  const { X509Certificate: Certificate } = nodeCrypto()
  return certificates.map((block, index) => {
    try {
      return { block, certificate: new Certificate(block.text) }
    } catch {
      throw configError(
        settingLabel(name, setting),
        `certificate ${index + 1} in ${quotePath(setting)} is damaged and ` +
          'cannot be parsed',
        'Export the certificate again as PEM.'
      )
    }
  })
}

function findKey(
  name: 'client-cert' | 'client-key',
  setting: Setting,
  blocks: readonly PemBlock[]
): PemBlock {
  const key = blocks.find(block => KEY_LABELS.has(block.label))
  if (key) return key
  throw configError(
    settingLabel(name, setting),
    name === 'client-key'
      ? `${quotePath(setting)} holds no PEM private key`
      : `${quotePath(setting)} holds a certificate but no private key, ` +
          'and `client-key` is not set',
    'Set `client-key` to the key file, or give one PEM file holding the ' +
      'certificate and its key.'
  )
}

/** Decrypts the key to prove the passphrase; the key stays as it was. */
function decryptKey(
  source: { name: 'client-cert' | 'client-key'; setting: Setting },
  block: PemBlock,
  get: Get
): KeyObject {
  const passphraseSetting = get('client-key-passphrase')
  const encrypted =
    block.label === 'ENCRYPTED PRIVATE KEY' ||
    /^Proc-Type: 4,ENCRYPTED$/m.test(block.text)
  if (encrypted && !passphraseSetting) {
    throw configError(
      'input `client-key-passphrase`',
      `the private key in ${quotePath(source.setting)} is encrypted and no ` +
        'passphrase is set',
      'Set `client-key-passphrase` from a secret.'
    )
  }
  try {
    return nodeCrypto().createPrivateKey({
      key: block.text,
      ...(encrypted ? { passphrase: passphraseSetting?.value ?? '' } : {})
    })
  } catch {
    throw configError(
      encrypted
        ? 'input `client-key-passphrase`'
        : settingLabel(source.name, source.setting),
      encrypted
        ? `it does not decrypt the private key in ${quotePath(source.setting)}`
        : `the private key in ${quotePath(source.setting)} is damaged ` +
            'or of an unsupported type',
      encrypted
        ? 'Check the passphrase secret.'
        : 'Export the key again as PEM (PKCS#8, RSA or EC).'
    )
  }
}

/** Joins the lines of an X.509 name as `CN=..., O=...`. */
function oneLine(name: string): string {
  return name.replace(/\n/g, ', ')
}

function quotePath(setting: Setting): string {
  return JSON.stringify(setting.value)
}
