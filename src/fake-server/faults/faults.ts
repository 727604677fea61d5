import type { IncomingHttpHeaders } from 'node:http'

import type { FakeResponse } from '../exchange.js'
import type { SearchQuirks } from '../state.js'
import type { RegistryStore, VersionStatusPlan } from '../store/registry.js'
import { nginxPage, type CannedResponse } from './canned.js'
import { DEFAULT_ALLOWED_HOSTS } from './host-check.js'
import { RateLimiter, type RateLimit } from './rate-limit.js'
import { ActiveRule, type BeforeAction, type FaultRule } from './rules.js'

/** The faults' decision for one request. */
export interface FaultDecision {
  readonly delayMs: number
  readonly before: BeforeAction
  readonly afterCommit?: 'drop' | CannedResponse
}

/** The requests a convenience method targets. */
export interface FaultTarget {
  readonly method?: string
  readonly times?: number
}

/** The fault settings a server starts with, restored by `reset()`. */
export interface FaultDefaults {
  readonly allowedHosts: readonly string[] | undefined
  readonly versionStatus: VersionStatusPlan | undefined
  readonly quirks: SearchQuirks
}

/** nginx's 504 response when the upstream does not respond in time. */
export const GATEWAY_TIMEOUT: CannedResponse = {
  status: 504,
  headers: nginxPage(504, 'Gateway Time-out').headers,
  body: nginxPage(504, 'Gateway Time-out').body
}

/**
 * The fault switches of a running fake: canned responses, sequences,
 * delays, dropped connections, the host allow-list, body limits, a rate
 * limit, the version status plan and search quirks. Each can change while
 * the server runs, from code or through the control endpoints.
 */
export class Faults {
  /** `Host` patterns MLflow would accept; `['*']` allows any host. */
  allowedHosts: readonly string[]
  /** Like nginx `client_max_body_size`: larger bodies get 413. */
  maxBodyBytes: number | undefined
  /** Like an nginx that rejects chunked uploads: PUT needs a length. */
  requireContentLength = false
  private rules: ActiveRule[] = []
  private nextId = 1
  private limiter: RateLimiter | undefined

  constructor(
    private readonly registry: RegistryStore,
    private readonly quirks: SearchQuirks,
    private readonly now: () => number,
    private readonly defaults: FaultDefaults
  ) {
    this.allowedHosts = defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS
    this.registry.statusPlan = defaults.versionStatus
  }

  /** Adds a rule and returns its id; earlier rules win. */
  add(rule: FaultRule): number {
    const id = this.nextId++
    this.rules.push(new ActiveRule(id, rule))
    return id
  }

  /** Removes one rule. */
  remove(id: number): void {
    this.rules = this.rules.filter(rule => rule.id !== id)
  }

  /** Lists the rules still in place, with their ids. */
  list(): { id: number; rule: FaultRule; exhausted: boolean }[] {
    return this.rules.map(active => ({
      id: active.id,
      rule: active.rule,
      exhausted: active.exhausted()
    }))
  }

  /** Responds to matching requests with a canned response. */
  respond(
    path: FaultRule['path'],
    response: CannedResponse,
    target: FaultTarget = {}
  ): number {
    return this.add({ path, respond: response, ...target })
  }

  /** Fails the next `times` matching requests, then lets them pass. */
  failTimes(
    path: FaultRule['path'],
    times: number,
    response: CannedResponse,
    method?: string
  ): number {
    return this.add({ path, respond: response, times, ...methodOf(method) })
  }

  /** Responds to matching requests in turn; `pass` lets one through. */
  sequence(
    path: FaultRule['path'],
    responses: readonly (CannedResponse | 'pass')[],
    method?: string
  ): number {
    return this.add({ path, responses, ...methodOf(method) })
  }

  /** Delays matching requests. */
  delay(path: FaultRule['path'], ms: number, target: FaultTarget = {}) {
    return this.add({ path, delayMs: ms, ...target })
  }

  /** Destroys the connection of matching requests before handling them. */
  drop(path: FaultRule['path'], target: FaultTarget = {}): number {
    return this.add({ path, drop: true, ...target })
  }

  /** Handles matching requests, then drops the connection unanswered. */
  dropAfterCommit(path: FaultRule['path'], target: FaultTarget = {}) {
    return this.add({ path, afterCommit: 'drop', ...target })
  }

  /** Handles matching requests, then responds 504 (or another response). */
  respondAfterCommit(
    path: FaultRule['path'],
    response: CannedResponse = GATEWAY_TIMEOUT,
    target: FaultTarget = {}
  ): number {
    return this.add({ path, afterCommit: response, ...target })
  }

  /** Sets the `Host` allow-list; undefined restores MLflow's defaults. */
  allowHosts(hosts: readonly string[] | undefined): void {
    this.allowedHosts =
      hosts ?? this.defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS
  }

  /** Sets the status plan for versions created from now on. */
  setVersionStatus(plan: VersionStatusPlan | undefined): void {
    this.registry.statusPlan = plan
  }

  /** Switches search quirks on or off. */
  setQuirks(quirks: Partial<SearchQuirks>): void {
    Object.assign(this.quirks, quirks)
  }

  /** Sets or removes the rate limit. */
  setRateLimit(config: RateLimit | undefined): void {
    this.limiter = config && new RateLimiter(config, this.now)
  }

  /** Restores the settings the server started with and drops every rule. */
  reset(): void {
    this.rules = []
    this.limiter = undefined
    this.maxBodyBytes = undefined
    this.requireContentLength = false
    this.allowedHosts = this.defaults.allowedHosts ?? DEFAULT_ALLOWED_HOSTS
    this.registry.statusPlan = this.defaults.versionStatus
    Object.assign(this.quirks, this.defaults.quirks)
  }

  /** Applies the rate limit to one request. */
  checkRateLimit(): FakeResponse | undefined {
    return this.limiter?.check()
  }

  /** Applies the body limits an nginx in front would enforce. */
  checkBodyLimits(
    method: string,
    headers: IncomingHttpHeaders,
    bodySize: number
  ): FakeResponse | undefined {
    if (this.requireContentLength && method === 'PUT') {
      if (headers['content-length'] === undefined) {
        return nginxPage(411, 'Length Required')
      }
    }
    if (this.maxBodyBytes !== undefined && bodySize > this.maxBodyBytes) {
      return nginxPage(413, 'Request Entity Too Large')
    }
    return undefined
  }

  /** Finds the first rule for a request and counts one use of it. */
  decide(method: string, path: string): FaultDecision {
    const active = this.rules.find(rule => rule.matches(method, path))
    if (!active) return { delayMs: 0, before: { kind: 'pass' } }
    const { afterCommit, delayMs } = active.rule
    return {
      delayMs: delayMs ?? 0,
      before: active.consume(),
      ...(afterCommit === undefined ? {} : { afterCommit })
    }
  }
}

function methodOf(method: string | undefined): { method?: string } {
  return method === undefined ? {} : { method }
}
