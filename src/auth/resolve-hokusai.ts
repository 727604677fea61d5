import type { AuthSettings } from '../config/config.js'
import {
  HOKUSAI_KEY_PREFIX,
  HOKUSAI_KEY_VARIABLE
} from '../config/hokusai-settings.js'
import { configError } from '../diagnosis/diagnosis.js'
import { HokusaiAuth } from './hokusai.js'
import type { AuthMode } from './provider.js'

/**
 * Whether `auto` should pick the Hokusai mode: the token is a Hokusai key
 * by its prefix, or there is no token but HOKUSAI_API_KEY applies.
 */
export function isHokusaiKey(auth: AuthSettings): boolean {
  if (auth.token !== undefined) {
    return auth.token.startsWith(HOKUSAI_KEY_PREFIX)
  }
  return auth.hokusaiKey !== undefined
}

/** Explains why `auto` chose the Hokusai mode, for the auth report. */
export function hokusaiReason(auth: AuthSettings, tokenOrigin: string): string {
  return auth.token === undefined
    ? `Hokusai API key from ${HOKUSAI_KEY_VARIABLE}`
    : `the token from ${tokenOrigin} is a Hokusai API key ` +
        `(${HOKUSAI_KEY_PREFIX}...)`
}

/** Creates the Hokusai provider, or raises when no key is set. */
export function createHokusaiProvider(auth: AuthSettings): HokusaiAuth {
  const key = auth.token ?? auth.hokusaiKey
  if (key === undefined) {
    throw configError(
      'input `token`',
      'auth-mode is hokusai but no Hokusai API key is set',
      `Set \`token\` (or MLFLOW_TRACKING_TOKEN or ${HOKUSAI_KEY_VARIABLE}) ` +
        'to the Hokusai API key, which starts with hk_.'
    )
  }
  return new HokusaiAuth(key, auth.tokenHeader)
}

/** Reports HOKUSAI_API_KEY as ignored when it was read but not sent. */
export function ignoredHokusaiKey(
  mode: AuthMode,
  auth: AuthSettings
): string[] {
  if (auth.hokusaiKeyIgnored !== undefined) {
    return [`${HOKUSAI_KEY_VARIABLE}: ${auth.hokusaiKeyIgnored}`]
  }
  if (auth.hokusaiKey === undefined) return []
  if (mode === 'hokusai' && auth.token === undefined) return []
  const reason =
    mode === 'hokusai' || mode === 'bearer'
      ? 'the token input takes precedence'
      : `auth-mode is ${mode}`
  return [`${HOKUSAI_KEY_VARIABLE}: ${reason}`]
}
