import type { GateOperator, MetricGate } from '../config/metric-gates.js'
import type { VersionFacts } from './version-facts.js'

/** The outcome of one metric gate. */
export interface GateResult {
  /** The condition as the user wrote it. */
  readonly gate: string
  readonly metric: string
  readonly operator: GateOperator
  readonly candidate?: number
  /** The value compared with: the number, or the current version's. */
  readonly threshold?: number
  readonly passed: boolean
  /** The reason it passed or failed, in one sentence. */
  readonly reason: string
}

/** The version an alias points to now, as the gates see it. */
export interface GateBaseline {
  readonly alias: string
  /** Undefined when the alias points to no version yet. */
  readonly facts?: VersionFacts
  /** Whether the alias already points to the new version. */
  readonly isCandidate: boolean
}

const COMPARE: Record<GateOperator, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b
}

/**
 * Evaluates each gate on the new version's source run. A gate that cannot
 * be evaluated fails, because an unverified release must not move an
 * alias. The one exception is a comparison with an alias that points to
 * no version yet: a first release passes it.
 */
export function evaluateGates(
  gates: readonly MetricGate[],
  candidate: VersionFacts,
  baseline: GateBaseline
): GateResult[] {
  return gates.map(gate => evaluateGate(gate, candidate, baseline))
}

function evaluateGate(
  gate: MetricGate,
  candidate: VersionFacts,
  baseline: GateBaseline
): GateResult {
  const base = { gate: gate.text, metric: gate.metric, operator: gate.operator }
  const value = candidate.metrics?.get(gate.metric)
  if (value === undefined) {
    const why = candidate.metrics
      ? `the new version's source run has no metric '${gate.metric}'`
      : `the new version's metrics are unknown: ${candidate.runNote ?? ''}`
    return { ...base, passed: false, reason: why }
  }
  const threshold = thresholdOf(gate, baseline)
  if ('skip' in threshold) {
    return { ...base, candidate: value, passed: true, reason: threshold.skip }
  }
  if ('fail' in threshold) {
    return { ...base, candidate: value, passed: false, reason: threshold.fail }
  }
  const passed = COMPARE[gate.operator](value, threshold.value)
  const verb = passed ? 'holds' : 'does not hold'
  return {
    ...base,
    candidate: value,
    threshold: threshold.value,
    passed,
    reason:
      `${gate.metric} = ${value} ${verb}: ${gate.operator} ` +
      `${threshold.value}${threshold.from}`
  }
}

type Threshold =
  | { readonly value: number; readonly from: string }
  | { readonly skip: string }
  | { readonly fail: string }

function thresholdOf(gate: MetricGate, baseline: GateBaseline): Threshold {
  if (gate.threshold.kind === 'number') {
    return { value: gate.threshold.value, from: '' }
  }
  const { alias, facts } = baseline
  if (!facts) {
    return { skip: `alias '${alias}' points to no version yet` }
  }
  if (baseline.isCandidate) {
    return { skip: `alias '${alias}' already points to this version` }
  }
  const value = facts.metrics?.get(gate.metric)
  if (value === undefined) {
    const why = facts.metrics
      ? `has no metric '${gate.metric}'`
      : `has unknown metrics: ${facts.runNote ?? ''}`
    return { fail: `version ${facts.version} ('${alias}') ${why}` }
  }
  return { value, from: ` (version ${facts.version}, '${alias}')` }
}
