import type { AuthSettings } from './config.js'
import type { InputName } from './inputs.js'
import { maskSecret, type MaskSecret } from './secrets.js'
import type { Setting } from './settings.js'
import type { TrackingUri } from './tracking-uri.js'

/** The variable the Hokusai SDK and CLI read the platform's API key from. */
export const HOKUSAI_KEY_VARIABLE = 'HOKUSAI_API_KEY'

/** The prefix of Hokusai API keys, such as `hk_live_` and `hk_test_`. */
export const HOKUSAI_KEY_PREFIX = 'hk_'

/** Masks HOKUSAI_API_KEY in all its forms when it is set. */
export function maskHokusaiKey(env: NodeJS.ProcessEnv, mask: MaskSecret): void {
  const key = env[HOKUSAI_KEY_VARIABLE]?.trim()
  if (key) maskSecret(mask, key)
}

/** Checks whether a host is `hokus.ai` or a subdomain of it. */
export function isHokusaiHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return host === 'hokus.ai' || host.endsWith('.hokus.ai')
}

/**
 * Reads HOKUSAI_API_KEY when it may be used: with `auth-mode: hokusai`,
 * or in `auto` mode for a tracking URI on hokus.ai, so that the key is
 * never sent to another host by accident. For a key that is set but not
 * read, it returns the reason it is ignored, for the auth report.
 */
export function readHokusaiSettings(
  get: (name: InputName) => Setting | undefined,
  env: NodeJS.ProcessEnv,
  tracking: TrackingUri
): Pick<AuthSettings, 'hokusaiKey' | 'hokusaiKeyIgnored'> {
  const key = env[HOKUSAI_KEY_VARIABLE]?.trim()
  if (!key) return {}
  const mode = get('auth-mode')?.value ?? 'auto'
  if (mode === 'hokusai') return { hokusaiKey: key }
  if (mode !== 'auto') return { hokusaiKeyIgnored: `auth-mode is ${mode}` }
  const host = tracking.url.hostname
  if (isHokusaiHost(host)) return { hokusaiKey: key }
  return {
    hokusaiKeyIgnored:
      `the tracking URI's host ${host} is not hokus.ai, and the key is ` +
      'sent only there unless auth-mode is hokusai'
  }
}
