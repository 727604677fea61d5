import { z } from 'zod'

import { parseSetting } from './fields.js'
import { OIDC_EXCHANGES, type InputName } from './inputs.js'
import type { Setting } from './settings.js'

/** A way to use the job's ID token, one of {@link OIDC_EXCHANGES}. */
export type OidcExchange = (typeof OIDC_EXCHANGES)[number]

/** The exchange of `github-oidc` when `oidc-exchange` is not set. */
export const DEFAULT_OIDC_EXCHANGE: OidcExchange = 'token-exchange'

/** Settings of the `github-oidc` mode. */
export interface OidcSettings {
  /** The `aud` to request for the GitHub ID token. */
  readonly audience?: string
  /** The `oidc-exchange` input, absent when the user did not set it. */
  readonly exchange?: OidcExchange
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
  if (!audience && !exchangeSetting) return {}
  const exchange =
    exchangeSetting &&
    parseSetting(
      'oidc-exchange',
      exchangeSetting,
      z.enum(OIDC_EXCHANGES),
      `one of ${OIDC_EXCHANGES.join(', ')}`,
      'Set `oidc-exchange` to what the relying party accepts.'
    )
  return {
    oidc: {
      ...(exchange ? { exchange } : {}),
      ...(audience ? { audience: audience.value } : {})
    }
  }
}
