import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { AUTH_MODES, InputName } from './inputs.js'
import { isLoopbackHttp } from './oauth-settings.js'
import type { OidcExchange } from './oidc-settings.js'
import type { Setting } from './settings.js'

/** The Entra app that `github-oidc` signs in as for Azure ML. */
export interface AzureSettings {
  readonly tenantId: string
  readonly clientId?: string
  /** The Entra authority host, `https://login.microsoftonline.com`. */
  readonly authority: URL
}

/**
 * The exchange of the Azure preset. Entra ID's workload identity
 * federation takes an external ID token only as the JWT client assertion
 * of the client credentials grant.
 */
export const AZURE_EXCHANGE: OidcExchange = 'client-assertion'

/** The Entra authority of Azure's public cloud. */
export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com'

// A tenant is a GUID or a verified domain such as contoso.onmicrosoft.com.
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/

/**
 * Validates the Azure settings, returned as `{ azure }` for the auth
 * settings, or `{}` when no tenant ID is set.
 */
export function parseAzureSettings(
  get: (name: InputName) => Setting | undefined
): { azure?: AzureSettings } {
  const tenant = get('azure-tenant-id')
  if (!tenant) return {}
  if (!TENANT.test(tenant.value)) {
    throw configError(
      settingLabel('azure-tenant-id', tenant),
      `${quote(tenant.value)} is not a tenant ID or domain`,
      'Set `azure-tenant-id` to the Directory (tenant) ID of the app ' +
        'registration, a GUID.'
    )
  }
  const clientId = get('azure-client-id')?.value
  return {
    azure: {
      tenantId: tenant.value,
      ...(clientId ? { clientId } : {}),
      authority: parseAuthority(get('azure-authority-host'))
    }
  }
}

function parseAuthority(setting: Setting | undefined): URL {
  if (!setting) return new URL(DEFAULT_AUTHORITY)
  const url = URL.parse(setting.value)
  const secure =
    url !== null && (url.protocol === 'https:' || isLoopbackHttp(url))
  if (url === null || !secure || url.search || url.hash) {
    throw configError(
      settingLabel('azure-authority-host', setting),
      `${quote(setting.value)} is not an https URL without a query`,
      `Set \`azure-authority-host\` to a URL such as ${DEFAULT_AUTHORITY}.`
    )
  }
  return url
}

/**
 * Returns the tenant's token endpoint of the Microsoft identity platform,
 * `<authority>/<tenant>/oauth2/v2.0/token`.
 */
export function azureTokenEndpoint(azure: AzureSettings): URL {
  const base = azure.authority.href.replace(/\/+$/, '')
  return new URL(
    `${base}/${encodeURIComponent(azure.tenantId)}/oauth2/v2.0/token`
  )
}

/**
 * Rejects an explicit `oidc-exchange` other than {@link AZURE_EXCHANGE}
 * when `github-oidc` runs the Azure preset, because the preset would not
 * apply it.
 */
export function checkAzureExchange(
  mode: (typeof AUTH_MODES)[number],
  get: (name: InputName) => Setting | undefined
): void {
  const tenant = get('azure-tenant-id')
  const exchange = get('oidc-exchange')
  if (mode !== 'github-oidc' || !tenant || !exchange) return
  if (exchange.value === AZURE_EXCHANGE) return
  throw configError(
    settingLabel('oidc-exchange', exchange),
    `${quote(exchange.value)} cannot be used with ` +
      `${settingLabel('azure-tenant-id', tenant)}, because Entra ID ` +
      `accepts the ID token only as a client assertion`,
    `Remove \`oidc-exchange\` or set it to ${AZURE_EXCHANGE} to sign in ` +
      'to Entra ID. To use another token endpoint, unset ' +
      '`azure-tenant-id` and AZURE_TENANT_ID.'
  )
}
