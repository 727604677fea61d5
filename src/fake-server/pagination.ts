import { invalidParameter } from './mlflow-error.js'

/** One page of search results and the token for the next one. */
export interface Page<T> {
  readonly items: T[]
  readonly nextPageToken?: string
}

/**
 * Cuts one page from sorted results. Tokens are MLflow's: base64 of
 * `{"offset": n}`, so a token from a real server works here too.
 */
export function paginate<T>(
  items: readonly T[],
  maxResults: number,
  pageToken: string | undefined
): Page<T> {
  const offset = pageToken ? readOffset(pageToken) : 0
  const page = items.slice(offset, offset + maxResults)
  const next = offset + maxResults
  return next < items.length
    ? { items: page, nextPageToken: offsetToken(next) }
    : { items: page }
}

function offsetToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`).toString('base64')
}

function readOffset(token: string): number {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) {
    throw invalidParameter('Invalid page token, could not base64-decode')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
  } catch {
    throw invalidParameter('Invalid page token, decoded value=' + token)
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw invalidParameter('Invalid page token, parsed value=' + token)
  }
  return offset
}
