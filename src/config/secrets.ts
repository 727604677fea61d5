import { INPUTS, type InputName, type InputSpec } from './inputs.js'
import type { Settings } from './settings.js'

/** Registers a value with the log masker (`core.setSecret` on a runner). */
export type MaskSecret = (value: string) => void

/**
 * Returns the forms in which a secret could reach a log: as it is,
 * percent-encoded (in a URL) and base64-encoded.
 */
export function secretForms(secret: string): string[] {
  if (secret === '') return []
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64')
  ]
  return [...new Set(forms)]
}

/** Masks every form of a secret, in place, before it is used. */
export function maskSecret(mask: MaskSecret, secret: string): void {
  for (const form of secretForms(secret)) mask(form)
}

/**
 * Masks every secret input and the password in a tracking URI's user info,
 * straight after the raw settings are read and before they are validated,
 * so that not even a validation message can show one.
 */
export function maskSecretSettings(settings: Settings, mask: MaskSecret): void {
  for (const spec of INPUTS as readonly InputSpec[]) {
    if (!spec.secret) continue
    const setting = settings.get(spec.name as InputName)
    if (setting) maskSecret(mask, setting.value)
  }

  // The user info ends at the last `@` before the path, as the URL parser
  // reads it, so a password may itself contain an unencoded `@`.
  const uri = settings.get('tracking-uri')?.value ?? ''
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)@/i.exec(uri)?.[1]
  const password = userinfo?.split(':').slice(1).join(':')
  if (password) {
    maskSecret(mask, password)
    maskSecret(mask, safeDecode(password))
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
