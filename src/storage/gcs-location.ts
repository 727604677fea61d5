import { parseEndpointUrl } from './endpoint-url.js'

/** A bucket and object name prefix, from a `gs://bucket/path` URI. */
export interface GcsLocation {
  readonly bucket: string
  /** The name prefix without leading or trailing slashes, or empty. */
  readonly prefix: string
}

/** The JSON API endpoint of Google Cloud Storage or of an emulator. */
export interface GcsEndpoint {
  readonly url: URL
}

const GCS_API_URL = 'https://storage.googleapis.com'

/** Parses a storage location such as `gs://bucket/models/abc/versions/1`. */
export function parseGcsLocation(uri: string): GcsLocation | undefined {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/i.exec(uri)
  if (!match?.[1]) return undefined
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') }
}

/**
 * Reads STORAGE_EMULATOR_HOST, which the Google Cloud Storage client
 * libraries read for an emulator such as fake-gcs-server. A value
 * without a scheme, such as `127.0.0.1:4443`, is taken as http.
 */
export function readGcsEndpoint(env: NodeJS.ProcessEnv): GcsEndpoint {
  const raw = env.STORAGE_EMULATOR_HOST
  if (!raw) return { url: new URL(GCS_API_URL) }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
    ? raw
    : `http://${raw}`
  return { url: parseEndpointUrl('STORAGE_EMULATOR_HOST', withScheme) }
}
