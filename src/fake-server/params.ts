import { z } from 'zod'

import type { FakeRequest } from './exchange.js'
import {
  invalidParameter,
  invalidParameterValue,
  missingParameter
} from './mlflow-error.js'

/**
 * Reads a request's parameters as MLflow 3.17.2's handlers do: GET from
 * the query string, every other method from a JSON body. POST and PUT
 * bodies need `Content-Type: application/json`; a body that is not JSON
 * reads as `{}`, so the first required field is reported missing.
 */
export function readRawParams(
  request: FakeRequest,
  repeated: readonly string[] = []
): Record<string, unknown> {
  if (request.method === 'GET') return readQuery(request.query, repeated)
  if (request.method === 'POST' || request.method === 'PUT') {
    checkJsonContentType(request.headers['content-type'])
  }
  return readJsonBody(request.body)
}

function readQuery(
  query: URLSearchParams,
  repeated: readonly string[]
): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    params[key] = repeated.includes(key) ? query.getAll(key) : query.get(key)
  }
  return params
}

function checkJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined) {
    throw invalidParameter('Bad Request. Content-Type header is missing.')
  }
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw invalidParameter(
      "Bad Request. Content-Type must be one of ['application/json']."
    )
  }
}

/** Parses a JSON body leniently; older clients double-encode it. */
export function readJsonBody(body: Buffer): Record<string, unknown> {
  let parsed = parseSilently(body.toString('utf8'))
  if (typeof parsed === 'string') parsed = parseSilently(parsed)
  return isRecord(parsed) ? parsed : {}
}

function parseSilently(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates parameters against a zod shape, field by field in the shape's
 * order, and raises MLflow's "Missing value" or "Invalid value" error for
 * the first field that fails.
 */
export function parseParams<Shape extends z.ZodRawShape>(
  request: FakeRequest,
  shape: Shape,
  repeated: readonly string[] = []
): z.infer<z.ZodObject<Shape>> {
  const raw = readRawParams(request, repeated)
  const parsed: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(shape) as [string, z.ZodType][]) {
    const value = raw[key]
    const result = schema.safeParse(value)
    if (!result.success) {
      if (value === undefined || value === null || value === '') {
        throw missingParameter(key)
      }
      throw invalidParameterValue(key, value)
    }
    if (result.data !== undefined) parsed[key] = result.data
  }
  return parsed as z.infer<z.ZodObject<Shape>>
}

/** Reads one raw parameter without validating; '' when it is absent. */
export function peekParam(request: FakeRequest, key: string): string {
  const value =
    request.method === 'GET'
      ? request.query.get(key)
      : readJsonBody(request.body)[key]
  return typeof value === 'string' ? value : ''
}

/**
 * Reads one parameter as the basic-auth app's permission checks do: from
 * the query string for GET (and for DELETE without a JSON body), from a
 * JSON body otherwise. A body without a JSON content type reads as empty,
 * so an absent parameter raises "Missing value" before the handler runs.
 */
export function authParam(request: FakeRequest, key: string): string {
  const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(
    request.headers['content-type'] ?? ''
  )
  let params: Record<string, unknown> = {}
  if (request.method === 'GET' || (request.method === 'DELETE' && !isJson)) {
    params = Object.fromEntries(request.query)
  } else if (isJson) {
    params = readJsonBody(request.body)
  }
  if (!(key in params)) throw missingParameter(key)
  return String(params[key])
}

/** Checks whether a JSON body or query string contains a field at all. */
export function hasParam(request: FakeRequest, key: string): boolean {
  return request.method === 'GET'
    ? request.query.has(key)
    : key in readJsonBody(request.body)
}

/** A required, non-empty string parameter. */
export const requiredString = z.string().min(1)

/** An optional string parameter. */
export const optionalString = z.string().optional()

/**
 * Builds the schema of an integer, given as a JSON number or a decimal
 * string, of at most `max`.
 */
export function intLike(max: number) {
  return z
    .union([z.number().int(), z.string().regex(/^-?\d+$/)])
    .transform(Number)
    .refine(value => value <= max)
    .optional()
}

/** A list of `{key, value}` tags, as MLflow sends and accepts them. */
export const tagList = z
  .array(z.object({ key: z.string(), value: z.string().default('') }))
  .optional()

/** One `{key, value}` tag. */
export interface Tag {
  key: string
  value: string
}
