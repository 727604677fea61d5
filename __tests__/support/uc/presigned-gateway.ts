/**
 * Presigned PUT URLs for the Unity Catalog stand-in's default storage.
 * moto 5.2.5 authenticates only requests with an `Authorization` header
 * once IAM is enforced, so it cannot check a presigned URL. The stand-in
 * therefore signs the URLs itself with SigV4 query signing
 * (`X-Amz-Signature`, `X-Amz-Expires`), checks each PUT against its
 * signature and expiry as S3 does, and writes the bytes to moto's bucket
 * with the IAM user's keys.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'

import { signRequest } from '../../../src/auth/sigv4-signer.js'
import type { MotoServer } from '../moto-server.js'

/** The path below which the stand-in serves presigned PUT URLs. */
export const PRESIGNED_PREFIX = '/presigned/'

/** How long a presigned URL is valid, as the Files API issues them. */
const EXPIRES_IN_SECONDS = 900

/** One PUT that reached a presigned URL. */
export interface PresignedPut {
  readonly key: string
  readonly status: number
  /** Whether the request carried an `Authorization` header. */
  readonly authorization: boolean
}

function signer(moto: MotoServer): SignatureV4 {
  return new SignatureV4({
    credentials: moto.user,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false
  })
}

/**
 * Presigns a PUT of one object key at the stand-in's origin. A
 * `signingDate` an hour back gives a URL that has already expired.
 */
export async function presignPut(
  moto: MotoServer,
  origin: string,
  key: string,
  signingDate: Date = new Date()
): Promise<string> {
  const url = new URL(`${PRESIGNED_PREFIX}${key}`, origin)
  const signed = await signer(moto).presign(
    {
      method: 'PUT',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host }
    },
    { expiresIn: EXPIRES_IN_SECONDS, signingDate }
  )
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    url.searchParams.set(name, String(value))
  }
  return url.href
}

/**
 * Serves a PUT to a presigned URL: 403 with S3's XML error for a wrong
 * signature or an expired URL, else the object is written to moto.
 */
export async function servePresignedPut(
  moto: MotoServer,
  request: IncomingMessage,
  response: ServerResponse,
  puts: PresignedPut[]
): Promise<void> {
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`)
  const key = decodeURIComponent(url.pathname.slice(PRESIGNED_PREFIX.length))
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  const failure = await checkPresigned(moto, request.method ?? '', url)
  const status = failure ? 403 : await putObject(moto, key, body)
  puts.push({
    key,
    status,
    authorization: request.headers.authorization !== undefined
  })
  response.writeHead(status, { 'content-type': 'application/xml' })
  response.end(
    failure
      ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied` +
          `</Code><Message>${failure}</Message></Error>`
      : ''
  )
}

/** Returns why a presigned request is refused, or undefined. */
async function checkPresigned(
  moto: MotoServer,
  method: string,
  url: URL
): Promise<string | undefined> {
  const date = url.searchParams.get('X-Amz-Date') ?? ''
  const expires = Number(url.searchParams.get('X-Amz-Expires'))
  const received = url.searchParams.get('X-Amz-Signature') ?? ''
  const signingDate = new Date(
    date.replace(
      /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
      '$1-$2-$3T$4:$5:$6Z'
    )
  )
  if (method !== 'PUT' || Number.isNaN(signingDate.getTime())) {
    return 'Query-string authentication requires a signed PUT'
  }
  const query = Object.fromEntries(
    [...url.searchParams].filter(([name]) => name !== 'X-Amz-Signature')
  )
  const expected = await signer(moto).presign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host }
    },
    { expiresIn: expires, signingDate }
  )
  const signature = String(expected.query?.['X-Amz-Signature'] ?? '')
  if (
    signature.length !== received.length ||
    !timingSafeEqual(Buffer.from(signature), Buffer.from(received))
  ) {
    return 'The request signature we calculated does not match'
  }
  if (Date.now() > signingDate.getTime() + expires * 1000) {
    return 'Request has expired'
  }
  return undefined
}

/** Writes an object to moto's bucket, signed with the user's keys. */
async function putObject(
  moto: MotoServer,
  key: string,
  body: Buffer
): Promise<number> {
  const url = new URL(`${moto.url}/${moto.bucket}/${key}`)
  const headers = await signRequest(
    {
      method: 'PUT',
      url,
      headers: {},
      payloadHash: createHash('sha256').update(body).digest('hex')
    },
    moto.user,
    { region: 'us-east-1', service: 's3' },
    { signingDate: new Date(), sendPayloadHash: true, escapePath: false }
  )
  const answer = await fetch(url, { method: 'PUT', headers, body })
  return answer.status
}
