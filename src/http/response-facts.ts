import type { ErrorBody, ResponseFacts } from './errors.js'

const BODY_EXCERPT_LENGTH = 500

type HeaderValue = string | string[] | undefined

/** Reads what a failed response says about who sent it and why. */
export function readResponseFacts(
  status: number,
  headers: Record<string, HeaderValue>,
  body: string
): ResponseFacts {
  const header = (name: string): string | undefined => {
    const value = headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  const contentType = header('content-type')
  const errorBody = parseErrorBody(body)
  const pageTitle = readPageTitle(body)
  return {
    status,
    body: excerpt(body),
    ...defined('contentType', contentType),
    ...defined('server', header('server')),
    ...defined('via', header('via')),
    ...defined('wwwAuthenticate', header('www-authenticate')),
    ...defined('location', header('location')),
    ...defined('retryAfter', header('retry-after')),
    ...defined('amznErrorType', header('x-amzn-errortype')),
    ...defined('iapGenerated', header('x-goog-iap-generated-response')),
    ...(errorBody ? { errorBody } : {}),
    ...defined('pageTitle', pageTitle)
  }
}

function defined<K extends string>(
  key: K,
  value: string | undefined
): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {}
}

/** Collapses whitespace and cuts a body down to a readable excerpt. */
export function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim()
  return text.length > BODY_EXCERPT_LENGTH
    ? `${text.slice(0, BODY_EXCERPT_LENGTH)}...`
    : text
}

/** Reads the known JSON error shapes; returns undefined for anything else. */
export function parseErrorBody(body: string): ErrorBody | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const record = parsed as Record<string, unknown>
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined

  if (typeof record.error_code === 'string') {
    return {
      shape: 'mlflow',
      errorCode: record.error_code,
      message: text(record.message) ?? ''
    }
  }
  if (typeof record.error === 'object' && record.error !== null) {
    const nested = record.error as Record<string, unknown>
    const code = text(nested.code) ?? text(nested.error_code)
    return {
      shape: 'nested',
      ...(code ? { errorCode: code } : {}),
      message: text(nested.message) ?? ''
    }
  }
  if ('detail' in record) {
    const code = text(record.error)
    const detail = record.detail
    return {
      shape: 'detail',
      ...(code ? { errorCode: code } : {}),
      message: text(detail) ?? JSON.stringify(detail)
    }
  }
  const message = text(record.message)
  return message === undefined ? undefined : { shape: 'message', message }
}

function readPageTitle(body: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(body)
  const title = match?.[1]?.replace(/\s+/g, ' ').trim()
  return title === '' ? undefined : title
}
