/**
 * A loopback stand-in for SageMaker's SigV4 front door. It recomputes
 * each request's AWS Signature Version 4 with the test secret, written
 * from the published algorithm with node:crypto alone so that it checks
 * the action's signer rather than sharing its code. A valid request is
 * proxied to a real MLflow server. Any other request gets a 403 (a 400
 * for a wrong body hash or ARN header) in the JSON shape that AWS REST
 * services send: `x-amzn-ErrorType` and `{"message"}`.
 *
 * The status codes and messages copy AWS's documented SigV4 errors; the
 * real SageMaker MLflow front door may word them differently.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the verifier accepts. */
export interface VerifierOptions {
  /** The MLflow server that valid requests are proxied to. */
  readonly upstream: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly region: string
  readonly service: string
  /** The routing header and the ARN it must carry. */
  readonly arnHeader: string
  readonly arn: string
  /**
   * IAM actions to deny, keyed by the end of the API path they guard,
   * such as `model-versions/create`.
   */
  readonly deny?: Readonly<Record<string, string>>
}

/** One request the verifier received, and whether it passed. */
export interface VerifiedRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string
  readonly status: number
  /** The error type sent back, for rejected requests. */
  readonly errorType?: string
}

/** A running verifier. */
export interface SigV4Verifier {
  readonly url: string
  readonly requests: VerifiedRequest[]
  close(): Promise<void>
}

/** An AWS-style rejection. */
interface Rejection {
  readonly status: number
  readonly type: string
  readonly message: string
}

const MAX_SKEW_MS = 15 * 60 * 1000

/** Starts a verifier on 127.0.0.1 on a free port. */
export async function startSigV4Verifier(
  options: VerifierOptions
): Promise<SigV4Verifier> {
  const requests: VerifiedRequest[] = []
  const server = http.createServer((request, response) => {
    handle(options, requests, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' })
      response.end(`verifier failed: ${String(error)}`)
    })
  })
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      })
  }
}

async function handle(
  options: VerifierOptions,
  requests: VerifiedRequest[],
  request: http.IncomingMessage,
  response: http.ServerResponse
): Promise<void> {
  const body = await readBody(request)
  const rejection = verify(options, request, body)
  const record = {
    method: request.method ?? '',
    path: (request.url ?? '').replace(/\?.*$/, ''),
    authorization: header(request, 'authorization')
  }
  if (rejection) {
    requests.push({
      ...record,
      status: rejection.status,
      errorType: rejection.type
    })
    response.writeHead(rejection.status, {
      'content-type': 'application/json',
      'x-amzn-errortype': rejection.type,
      'x-amzn-requestid': '5d3b1c9e-0000-4000-8000-000000000000'
    })
    response.end(JSON.stringify({ message: rejection.message }))
    return
  }
  const status = await proxy(options.upstream, request, body, response)
  requests.push({ ...record, status })
}

/** Checks one request; returns the rejection, or undefined when valid. */
function verify(
  options: VerifierOptions,
  request: http.IncomingMessage,
  body: Buffer
): Rejection | undefined {
  const auth = parseAuthorization(header(request, 'authorization'))
  if (!auth) {
    return reject(
      403,
      'MissingAuthenticationTokenException',
      'Missing Authentication Token'
    )
  }
  if (auth.accessKeyId !== options.accessKeyId) {
    return reject(
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.'
    )
  }
  const token = header(request, 'x-amz-security-token')
  if ((options.sessionToken ?? '') !== token) {
    return reject(
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.'
    )
  }
  const problem = checkScope(options, request, auth, body)
  if (problem) return problem

  const expected = computeSignature(options, request, auth)
  if (!sameHex(expected, auth.signature)) {
    return reject(
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature ' +
        'you provided. Check your AWS Secret Access Key and signing ' +
        'method. Consult the service documentation for details.'
    )
  }
  return checkPolicy(options, request)
}

interface ParsedAuthorization {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      value
    )
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signed, signature] = match
  return {
    accessKeyId: accessKeyId ?? '',
    date: date ?? '',
    region: region ?? '',
    service: service ?? '',
    signedHeaders: (signed ?? '').split(';'),
    signature: signature ?? ''
  }
}

function checkScope(
  options: VerifierOptions,
  request: http.IncomingMessage,
  auth: ParsedAuthorization,
  body: Buffer
): Rejection | undefined {
  const amzDate = header(request, 'x-amz-date')
  const signedAt = Date.parse(
    amzDate.replace(
      /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
      '$1-$2-$3T$4:$5:$6Z'
    )
  )
  if (Number.isNaN(signedAt) || Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) {
    return reject(
      403,
      'InvalidSignatureException',
      'Signature expired or X-Amz-Date is missing.'
    )
  }
  if (
    auth.date !== amzDate.slice(0, 8) ||
    auth.region !== options.region ||
    auth.service !== options.service
  ) {
    return reject(
      403,
      'InvalidSignatureException',
      `Credential should be scoped to a valid region and service: ` +
        `${options.region}/${options.service}.`
    )
  }
  const required = [
    'host',
    'x-amz-date',
    'x-amz-content-sha256',
    options.arnHeader
  ]
  const unsigned = required.filter(name => !auth.signedHeaders.includes(name))
  if (unsigned.length > 0) {
    return reject(
      403,
      'InvalidSignatureException',
      `Headers must be signed: ${unsigned.join(', ')}.`
    )
  }
  const payloadHash = header(request, 'x-amz-content-sha256')
  if (payloadHash !== sha256Hex(body)) {
    return reject(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed."
    )
  }
  if (header(request, options.arnHeader) !== options.arn) {
    return reject(
      400,
      'ValidationException',
      `The ${options.arnHeader} header does not name this tracking server.`
    )
  }
  return undefined
}

/** Computes the signature the way AWS does for services other than S3. */
function computeSignature(
  options: VerifierOptions,
  request: http.IncomingMessage,
  auth: ParsedAuthorization
): string {
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split('?', 2)
  const canonicalHeaders = auth.signedHeaders
    .map(name => `${name}:${canonicalHeaderValue(request, name)}\n`)
    .join('')
  const canonicalRequest = [
    request.method ?? '',
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    header(request, 'x-amz-content-sha256')
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    header(request, 'x-amz-date'),
    scope,
    sha256Hex(Buffer.from(canonicalRequest))
  ].join('\n')
  let key: Buffer = Buffer.from(`AWS4${options.secretAccessKey}`)
  for (const part of [auth.date, auth.region, auth.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest()
  }
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}

/** Encodes the path as received once more, after removing dot segments. */
function canonicalPath(rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/').slice(1)) {
    if (segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  return `/${segments.map(encodeStrict).join('/')}`
}

/**
 * Decodes each name and value as a form would, so a `+` is a space, then
 * encodes them strictly and sorts them. A client that sends a space as
 * `+` but signs it as a plus fails here, as the sagemaker-mlflow plugin's
 * comment on spaces implies it would on AWS.
 */
function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return ''
  return rawQuery
    .split('&')
    .map(pair => {
      const [name = '', ...rest] = pair.split('=')
      return [
        encodeStrict(decodeFormValue(name)),
        encodeStrict(decodeFormValue(rest.join('=')))
      ] as const
    })
    .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

function canonicalHeaderValue(
  request: http.IncomingMessage,
  name: string
): string {
  const raw = request.headers[name]
  const values = Array.isArray(raw) ? raw : [raw ?? '']
  return values.map(value => value.trim().replace(/\s+/g, ' ')).join(',')
}

function decodeFormValue(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '))
}

/** RFC 3986 encoding: everything but unreserved characters is escaped. */
function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function checkPolicy(
  options: VerifierOptions,
  request: http.IncomingMessage
): Rejection | undefined {
  const path = (request.url ?? '').replace(/\?.*$/, '')
  for (const [suffix, action] of Object.entries(options.deny ?? {})) {
    if (!path.endsWith(suffix)) continue
    return reject(
      403,
      'AccessDeniedException',
      `User: arn:aws:sts::123456789012:assumed-role/github-ci/gh-run is ` +
        `not authorized to perform: ${action} on resource: ${options.arn} ` +
        `because no identity-based policy allows the ${action} action`
    )
  }
  return undefined
}

async function proxy(
  upstream: string,
  request: http.IncomingMessage,
  body: Buffer,
  response: http.ServerResponse
): Promise<number> {
  const target = new URL(request.url ?? '/', upstream)
  const headers: Record<string, string> = {}
  for (const name of ['content-type', 'accept', 'user-agent']) {
    const value = header(request, name)
    if (value) headers[name] = value
  }
  const answer = await fetch(target, {
    method: request.method ?? 'GET',
    headers,
    ...(body.length > 0 || request.method === 'PUT' ? { body } : {}),
    redirect: 'manual'
  })
  const text = Buffer.from(await answer.arrayBuffer())
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'text/plain'
  })
  response.end(text)
  return answer.status
}

function reject(status: number, type: string, message: string): Rejection {
  return { status, type, message }
}

function header(request: http.IncomingMessage, name: string): string {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : (value ?? '')
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function sameHex(a: string, b: string): boolean {
  return (
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
  )
}

function compare(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
