import { parseEndpointUrl } from './endpoint-url.js'

/** A container and path in an ADLS Gen2 account, from an `abfss://` URI. */
export interface AzureLocation {
  /** The file system, which the Blob API calls the container. */
  readonly container: string
  readonly account: string
  /** The host after the account name, such as `dfs.core.windows.net`. */
  readonly domainSuffix: string
  /** The path without leading or trailing slashes, or empty. */
  readonly prefix: string
}

/** The Blob endpoint that replaces the account's own, if any. */
export interface AzureEndpoint {
  /**
   * The Blob endpoint of the account, container names joined below it,
   * from AZURE_STORAGE_CONNECTION_STRING. For an emulator such as
   * Azurite it ends with the account name (`.../devstoreaccount1`).
   */
  readonly blobUrl?: URL
}

/**
 * Parses `abfss://container@account.dfs.core.windows.net/path`. Any
 * domain suffix is accepted, as MLflow 3.17 accepts them, for sovereign
 * clouds and private endpoints.
 */
export function parseAzureLocation(uri: string): AzureLocation | undefined {
  const match = /^abfss?:\/\/([^@/]+)@([^./]+)\.([^/]+)\/?(.*)$/i.exec(uri)
  if (!match?.[1] || !match[2] || !match[3]) return undefined
  return {
    container: match[1],
    account: match[2],
    domainSuffix: match[3],
    prefix: (match[4] ?? '').replace(/^\/+|\/+$/g, '')
  }
}

/**
 * Returns the URL of the location's container on the Blob endpoint. ADLS
 * Gen2 accounts serve the Blob API at `account.blob.<suffix>` beside the
 * DFS API at `account.dfs.<suffix>`, and a Blob upload is visible to both.
 */
export function containerUrl(
  endpoint: AzureEndpoint,
  location: AzureLocation
): URL {
  const container = encodeURIComponent(location.container)
  if (endpoint.blobUrl) {
    const base = endpoint.blobUrl.href.replace(/\/+$/, '')
    return new URL(`${base}/${container}`)
  }
  const suffix = location.domainSuffix.replace(/^dfs\./i, 'blob.')
  return new URL(`https://${location.account}.${suffix}/${container}`)
}

/** Azurite's Blob endpoint for its well-known development account. */
const DEVELOPMENT_BLOB_URL = 'http://127.0.0.1:10000/devstoreaccount1'

/**
 * Reads the Blob endpoint from AZURE_STORAGE_CONNECTION_STRING, the
 * variable the Azure Storage SDKs and tools read: its `BlobEndpoint`, or
 * Azurite's endpoint for `UseDevelopmentStorage=true`. A string with
 * neither, such as one with only an account name and key, leaves the
 * account's own endpoint. Account keys and SAS tokens in the string are
 * ignored, because Unity Catalog issues the credentials.
 */
export function readAzureEndpoint(env: NodeJS.ProcessEnv): AzureEndpoint {
  const raw = env.AZURE_STORAGE_CONNECTION_STRING
  if (!raw) return {}
  const fields = new Map<string, string>()
  for (const part of raw.split(';')) {
    const equals = part.indexOf('=')
    if (equals > 0) {
      fields.set(
        part.slice(0, equals).trim().toLowerCase(),
        part.slice(equals + 1).trim()
      )
    }
  }
  const variable = 'AZURE_STORAGE_CONNECTION_STRING'
  const blobEndpoint = fields.get('blobendpoint')
  if (blobEndpoint) return { blobUrl: parseEndpointUrl(variable, blobEndpoint) }
  if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    return { blobUrl: new URL(DEVELOPMENT_BLOB_URL) }
  }
  return {}
}
