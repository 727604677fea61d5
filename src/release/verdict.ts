import type { ReleaseComparison } from './release.js'
import { countOf } from '../text/plural.js'

type Unjudged = Omit<ReleaseComparison, 'verdict'>

/**
 * Sums a comparison up in one line: which version replaces which, how
 * the metrics moved and whether the gates passed.
 */
export function describeVerdict(
  comparison: Unjudged,
  isCandidate: boolean
): string {
  const { alias, candidate, baseline } = comparison
  const blocked = comparison.gates.some(gate => !gate.passed)
  const parts = [
    headline(alias, candidate.version, baseline, isCandidate, blocked)
  ]
  const metrics = countMetrics(comparison)
  if (metrics) parts.push(metrics)
  if (comparison.params.length > 0) {
    const count = comparison.params.length
    parts.push(
      `${countOf(count, 'param')} ${count === 1 ? 'differs' : 'differ'}`
    )
  }
  if (comparison.model?.signatureChanged) parts.push('signature changed')
  const gates = describeGates(comparison)
  if (gates) parts.push(gates)
  return `${parts.join('; ')}.`
}

function headline(
  alias: string,
  version: string,
  baseline: Unjudged['baseline'],
  isCandidate: boolean,
  blocked: boolean
): string {
  if (isCandidate)
    return `Alias '${alias}' already points to version ${version}`
  if (!baseline) return `Version ${version} is the first with alias '${alias}'`
  const verb = blocked ? 'would replace' : 'replaces'
  return `Version ${version} ${verb} version ${baseline.version} as '${alias}'`
}

function countMetrics(comparison: Unjudged): string | undefined {
  if (!comparison.baseline) return undefined
  const counts = new Map<string, number>()
  for (const metric of comparison.metrics) {
    counts.set(metric.change, (counts.get(metric.change) ?? 0) + 1)
  }
  const order = ['better', 'worse', 'changed', 'same', 'added', 'removed']
  const parts = order
    .filter(change => counts.has(change))
    .map(change => `${counts.get(change)} ${change}`)
  return parts.length > 0 ? `metrics: ${parts.join(', ')}` : undefined
}

function describeGates(comparison: Unjudged): string | undefined {
  const { gates, alias } = comparison
  if (gates.length === 0) return undefined
  const failed = gates.filter(gate => !gate.passed)
  if (failed.length === 0) {
    return `${countOf(gates.length, 'gate')} passed`
  }
  const names = failed.map(gate => `'${gate.gate}'`).join(', ')
  return `gate ${names} failed, so '${alias}' does not move`
}
