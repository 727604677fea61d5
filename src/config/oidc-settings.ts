import { z } from 'zod'

import { parseSetting } from './fields.js'
import { OIDC_EXCHANGES, type InputName } from './inputs.js'
import type { Setting } from './settings.js'

/** A way to use the job's ID token, one of {@link OIDC_EXCHANGES}. */
export type OidcExchange = (typeof OIDC_EXCHANGES)[number]

/** Settings of the `github-oidc` mode. */
export interface OidcSettings {
  /** The `aud` to request for the GitHub ID token. */
  readonly audience?: string
  readonly exchange: OidcExchange
}

/**
 * Validates the `github-oidc` settings, returned as `{ oidc }` for the
 * auth settings, or `{}` when neither OIDC input is set by the user.
 */
export function parseOidcSettings(
  get: (name: InputName) => Setting | undefined
): { oidc?: OidcSettings } {
  const audience = get('oidc-audience')
  const exchangeSetting = get('oidc-exchange')
  if (!audience && (exchangeSetting?.origin ?? 'default') === 'default') {
    return {}
  }
  const exchange = parseSetting(
    'oidc-exchange',
    exchangeSetting ?? { value: 'token-exchange', origin: 'default' },
    z.enum(OIDC_EXCHANGES),
    `one of ${OIDC_EXCHANGES.join(', ')}`,
    'Set `oidc-exchange` to what the relying party accepts.'
  )
  return {
    oidc: { exchange, ...(audience ? { audience: audience.value } : {}) }
  }
}
