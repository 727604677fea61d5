import { extraHeaderValues } from './extra-headers.js'
import { INPUTS, type InputName, type InputSpec } from './inputs.js'
import type { Settings } from './settings.js'

/** Registers a value with the log masker (`core.setSecret` on a runner). */
export type MaskSecret = (value: string) => void

/**
 * The shortest value that is masked. Masking a value of one to three
 * characters, such as a header flag `1`, replaces it in every log line
 * and output (in URLs, numbers and model names), and so short a value
 * protects nothing.
 */
export const MIN_MASKED_LENGTH = 4

/** Checks whether a value is long enough to be masked. */
export function isMaskable(value: string): boolean {
  return value.length >= MIN_MASKED_LENGTH
}

/**
 * Returns the forms in which a secret could reach a log: as it is,
 * percent-encoded (in a URL) and base64-encoded. A multi-line secret,
 * such as a PEM private key, adds each line that is not a PEM armor
 * line, because the runner masks each log line on its own. A secret or
 * form shorter than {@link MIN_MASKED_LENGTH} is left out.
 */
export function secretForms(secret: string): string[] {
  if (!isMaskable(secret)) return []
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    ...secretLines(secret)
  ]
  return [...new Set(forms)].filter(isMaskable)
}

function secretLines(secret: string): string[] {
  if (!/[\r\n]/.test(secret)) return []
  return secret
    .split(/\r?\n|\r/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('-----'))
}

/** Masks every form of a secret, in place, before it is used. */
export function maskSecret(mask: MaskSecret, secret: string): void {
  for (const form of secretForms(secret)) mask(form)
}

/** The proxy variables whose URLs may carry a password. */
const PROXY_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY'
]

/**
 * Masks every secret input, each value of `extra-headers`, and the
 * password in the user info of the tracking and registry URIs and of
 * the proxy variables in `env`. It runs straight after the raw settings
 * are read and before they are validated, so not even a validation
 * message can show one.
 */
export function maskSecretSettings(
  settings: Settings,
  mask: MaskSecret,
  env: NodeJS.ProcessEnv = {}
): void {
  for (const spec of INPUTS as readonly InputSpec[]) {
    if (!spec.secret) continue
    const setting = settings.get(spec.name as InputName)
    if (setting) maskSecret(mask, setting.value)
  }
  for (const value of extraHeaderValues(settings.get('extra-headers')?.value)) {
    maskSecret(mask, value)
  }
  const uris = [
    settings.get('tracking-uri')?.value,
    settings.get('registry-uri')?.value,
    ...PROXY_VARIABLES.map(name => env[name])
  ]
  for (const uri of uris) {
    const password = userinfoPassword(uri ?? '')
    if (password) {
      maskSecret(mask, password)
      maskSecret(mask, safeDecode(password))
    }
  }
}

/**
 * Returns the password in a URL's user info. The user info ends at the
 * last `@` before the path, as the URL parser reads it, so a password may
 * itself contain an unencoded `@`.
 */
function userinfoPassword(uri: string): string | undefined {
  const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#\\]*)@/i.exec(uri)?.[1]
  return userinfo?.split(':').slice(1).join(':')
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
