import { z } from 'zod'

import type { RequestLog } from './capture.js'
import type { FakeResponse } from './exchange.js'
import type { CannedResponse } from './faults/canned.js'
import type { Faults } from './faults/faults.js'
import type { FaultRule } from './faults/rules.js'

/**
 * The fake's own JSON endpoints below its control prefix (`/__fake` by
 * default), for tests in other processes: requests, faults, hosts, limits,
 * rate limit, version status, quirks and reset. They skip auth, faults and
 * request capture.
 */

const cannedSchema = z.object({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
})

const ruleSchema = z
  .object({
    method: z.string().optional(),
    path: z.string().min(1).optional(),
    /** A RegExp source, for rules that match many paths. */
    pathPattern: z.string().min(1).optional(),
    times: z.number().int().positive().optional(),
    delayMs: z.number().nonnegative().optional(),
    respond: cannedSchema.optional(),
    responses: z.array(z.union([cannedSchema, z.literal('pass')])).optional(),
    drop: z.boolean().optional(),
    afterCommit: z.union([z.literal('drop'), cannedSchema]).optional()
  })
  .refine(rule => rule.path !== undefined || rule.pathPattern !== undefined, {
    error: 'a fault rule needs "path" or "pathPattern"'
  })

const hostsSchema = z.object({ allowed: z.array(z.string()).nullable() })

const limitsSchema = z.object({
  maxBodyBytes: z.number().int().nonnegative().nullable().optional(),
  requireContentLength: z.boolean().optional()
})

const rateLimitSchema = z.object({
  limit: z.number().int().nonnegative(),
  windowMs: z.number().positive(),
  retryAfter: z.enum(['seconds', 'http-date']).optional()
})

const versionStatusSchema = z.object({
  pendingReads: z.number().int().nonnegative(),
  outcome: z.enum(['READY', 'FAILED_REGISTRATION']),
  statusMessage: z.string().optional()
})

const quirksSchema = z.object({
  emptyModelSearch: z.boolean().optional(),
  versionSearchAliases: z.boolean().optional(),
  emptyVersionSearch: z.boolean().optional(),
  singleQuotedFilters: z.boolean().optional()
})

const resetSchema = z.object({ data: z.boolean().optional() })

/** The parts of a running fake the control endpoints change. */
export interface ControlTarget {
  readonly faults: Faults
  readonly requests: RequestLog
  /** Clears registry, tracking and artifact data. */
  readonly clearData: () => Promise<void>
}

function json(status: number, body: unknown): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: Buffer): T {
  const text = body.toString('utf8').trim()
  return schema.parse(text === '' ? {} : JSON.parse(text))
}

/** Handles one control request, whose `path` is below the control prefix. */
export async function handleControl(
  target: ControlTarget,
  method: string,
  path: string,
  body: Buffer
): Promise<FakeResponse> {
  try {
    return await dispatch(target, `${method} ${path}`, body)
  } catch (error) {
    const message =
      error instanceof z.ZodError ? z.prettifyError(error) : String(error)
    return json(400, { error: message })
  }
}

async function dispatch(
  target: ControlTarget,
  route: string,
  body: Buffer
): Promise<FakeResponse> {
  const { faults, requests } = target
  const ruleId = /^DELETE \/faults\/(\d+)$/.exec(route)?.[1]
  if (ruleId !== undefined) {
    faults.remove(Number(ruleId))
    return json(200, {})
  }
  switch (route) {
    case 'GET /requests':
      return json(200, { requests: requests.entries })
    case 'DELETE /requests':
      requests.clear()
      return json(200, {})
    case 'GET /faults':
      return json(200, { faults: faults.list().map(describeRule) })
    case 'POST /faults':
      return json(200, { id: faults.add(toRule(parseBody(ruleSchema, body))) })
    case 'DELETE /faults':
      for (const { id } of faults.list()) faults.remove(id)
      return json(200, {})
    case 'PUT /hosts':
      return setHosts(faults, parseBody(hostsSchema, body).allowed)
    case 'PUT /limits':
      return setLimits(faults, parseBody(limitsSchema, body))
    case 'PUT /rate-limit':
      faults.setRateLimit(withoutUndefined(parseBody(rateLimitSchema, body)))
      return json(200, {})
    case 'DELETE /rate-limit':
      faults.setRateLimit(undefined)
      return json(200, {})
    case 'PUT /version-status':
      faults.setVersionStatus(
        withoutUndefined(parseBody(versionStatusSchema, body))
      )
      return json(200, {})
    case 'DELETE /version-status':
      faults.setVersionStatus(undefined)
      return json(200, {})
    case 'PUT /quirks':
      faults.setQuirks(withoutUndefined(parseBody(quirksSchema, body)))
      return json(200, {})
    case 'POST /reset':
      return reset(target, parseBody(resetSchema, body).data === true)
    default:
      return json(404, { error: `no control endpoint ${route}` })
  }
}

function setHosts(faults: Faults, allowed: string[] | null): FakeResponse {
  faults.allowHosts(allowed ?? undefined)
  return json(200, {})
}

function setLimits(
  faults: Faults,
  limits: z.infer<typeof limitsSchema>
): FakeResponse {
  if (limits.maxBodyBytes !== undefined) {
    faults.maxBodyBytes = limits.maxBodyBytes ?? undefined
  }
  if (limits.requireContentLength !== undefined) {
    faults.requireContentLength = limits.requireContentLength
  }
  return json(200, {})
}

async function reset(
  target: ControlTarget,
  data: boolean
): Promise<FakeResponse> {
  target.faults.reset()
  target.requests.clear()
  if (data) await target.clearData()
  return json(200, {})
}

function describeRule(entry: ReturnType<Faults['list']>[number]) {
  const { path } = entry.rule
  return {
    id: entry.id,
    exhausted: entry.exhausted,
    ...entry.rule,
    path: path instanceof RegExp ? path.source : path
  }
}

function toRule(parsed: z.infer<typeof ruleSchema>): FaultRule {
  const { pathPattern, path, respond, responses, afterCommit, ...rest } = parsed
  return {
    ...withoutUndefined(rest),
    path: pathPattern === undefined ? (path ?? '') : new RegExp(pathPattern),
    ...(respond ? { respond: toCanned(respond) } : {}),
    ...(responses
      ? { responses: responses.map(r => (r === 'pass' ? r : toCanned(r))) }
      : {}),
    ...(afterCommit === undefined
      ? {}
      : {
          afterCommit: afterCommit === 'drop' ? 'drop' : toCanned(afterCommit)
        })
  }
}

function toCanned(parsed: z.infer<typeof cannedSchema>): CannedResponse {
  return withoutUndefined(parsed)
}

/** Drops undefined fields, which zod leaves for absent optional keys. */
function withoutUndefined<T extends object>(
  value: T
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined)
  ) as { [K in keyof T]: Exclude<T[K], undefined> }
}
