import type { CannedResponse } from './canned.js'

/**
 * One fault: which requests it hits and what it does to them. Fields
 * combine: a rule may delay a request and then respond with a canned
 * response, for example.
 */
export interface FaultRule {
  /** The HTTP method to match; every method when absent. */
  readonly method?: string
  /**
   * The path below the static prefix: exact when it starts with `/`, a
   * suffix such as `model-versions/create` otherwise, or a RegExp.
   */
  readonly path: string | RegExp
  /** How many matching requests the rule acts on; unlimited when absent. */
  readonly times?: number
  /** Waits this long before the request is handled. */
  readonly delayMs?: number
  /** A response sent in place of the server's. */
  readonly respond?: CannedResponse
  /**
   * Responses for matching requests in turn, where `pass` lets one through
   * to the server. After the last one, requests pass.
   */
  readonly responses?: readonly (CannedResponse | 'pass')[]
  /** Destroys the socket without handling the request. */
  readonly drop?: boolean
  /**
   * An action after the request is handled (so a create is committed):
   * `drop` destroys the socket without a response, a response replaces
   * the server's.
   */
  readonly afterCommit?: 'drop' | CannedResponse
}

/** The faults' decision for one request before it is handled. */
export type BeforeAction =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'respond'; readonly response: CannedResponse }

/** A rule with its use counters. */
export class ActiveRule {
  private uses = 0

  constructor(
    readonly id: number,
    readonly rule: FaultRule
  ) {}

  /** Checks whether the rule applies to a request. */
  matches(method: string, path: string): boolean {
    if (this.rule.method && this.rule.method.toUpperCase() !== method) {
      return false
    }
    if (this.exhausted()) return false
    const pattern = this.rule.path
    if (pattern instanceof RegExp) return pattern.test(path)
    if (pattern.startsWith('/')) return path === pattern
    return path.endsWith(`/${pattern}`)
  }

  /** Checks whether the rule has acted on as many requests as it may. */
  exhausted(): boolean {
    const limit = this.rule.responses?.length ?? this.rule.times
    return limit !== undefined && this.uses >= limit
  }

  /** Counts one use and returns what to do before handling. */
  consume(): BeforeAction {
    const index = this.uses++
    if (this.rule.drop) return { kind: 'drop' }
    if (this.rule.respond)
      return { kind: 'respond', response: this.rule.respond }
    const next = this.rule.responses?.[index]
    if (next === undefined || next === 'pass') return { kind: 'pass' }
    return { kind: 'respond', response: next }
  }
}
