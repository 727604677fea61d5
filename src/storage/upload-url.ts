import { z } from 'zod'

import { maskSecret, type MaskSecret } from '../config/secrets.js'
import type { HttpClient } from '../http/transport.js'
import { describeUrl, isLoopbackHost } from '../http/url.js'
import { UC_API } from '../mlflow/unity-catalog.js'

/** The Files API call that issues a presigned URL for one upload. */
const CREATE_UPLOAD_URL = 'api/2.0/fs/create-upload-url'

const uploadUrlResponse = z.object({
  url: z.string(),
  headers: z
    .array(z.object({ name: z.string(), value: z.string() }))
    .default([])
})

/** A presigned URL for one file, with the headers it must be sent with. */
export interface UploadUrl {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Query parameters and headers that carry a presigned URL's signature or
 * a token: SigV4's `X-Amz-Signature` and `X-Amz-Security-Token`, Azure's
 * `sig`, Google's `X-Goog-Signature` and the like.
 */
const SECRET_NAME = /signature|^sig$|token|credential|key/i

/**
 * Requests a presigned upload URL for a path of the workspace's Files
 * API, as MLflow 3.17's presigned URL repository does for models in
 * Databricks default storage. The request goes to the workspace that
 * serves Unity Catalog, with its credentials. The URL is masked before
 * it is returned.
 */
export async function createUploadUrl(
  http: HttpClient,
  path: string,
  mask: MaskSecret | undefined
): Promise<UploadUrl> {
  const workspace = http.route({ path: UC_API })
  const answer = await workspace.json(
    {
      method: 'POST',
      path: CREATE_UPLOAD_URL,
      json: { path },
      operation: 'create a presigned upload URL',
      resource: path,
      idempotent: true
    },
    uploadUrlResponse
  )
  const url = parsePresignedUrl(answer.url, path)
  const headers = Object.fromEntries(
    answer.headers.map(header => [header.name.toLowerCase(), header.value])
  )
  if (mask) maskUploadUrl(mask, url, headers)
  return { url, headers }
}

/**
 * Parses a presigned URL. Plain http is accepted only on loopback, as
 * for storage emulators, because the URL's query is the credential.
 */
function parsePresignedUrl(raw: string, path: string): URL {
  const url = URL.parse(raw)
  if (url === null || !['http:', 'https:'].includes(url.protocol)) {
    throw new Error(
      `The workspace returned an upload URL for ${path} that is not an ` +
        'http or https URL'
    )
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `The workspace returned a plain http upload URL ` +
        `(${describeUrl(url)}) for ${path}. The action sends model files ` +
        'to presigned URLs only over https, or over http on loopback.'
    )
  }
  return url
}

/** Masks the URL, its query and each signature or token in it. */
function maskUploadUrl(
  mask: MaskSecret,
  url: URL,
  headers: Readonly<Record<string, string>>
): void {
  maskSecret(mask, url.href)
  if (url.search.length > 1) maskSecret(mask, url.search.slice(1))
  for (const [name, value] of url.searchParams) {
    if (SECRET_NAME.test(name)) maskSecret(mask, value)
  }
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_NAME.test(name) || name === 'authorization') {
      maskSecret(mask, value)
    }
  }
}
