import type { VersionFacts } from './version-facts.js'

/** The direction in which a metric improves, guessed from its name. */
export type MetricDirection = 'higher' | 'lower' | 'unknown'

/** The kind of difference of a metric or value between two versions. */
export type Change =
  'better' | 'worse' | 'same' | 'changed' | 'added' | 'removed'

/** One metric of both source runs. */
export interface MetricChange {
  readonly key: string
  readonly baseline?: number
  readonly candidate?: number
  /** `candidate - baseline`, when both exist. */
  readonly delta?: number
  readonly direction: MetricDirection
  readonly change: Change
}

/** One param or tag that differs between the two versions. */
export interface ValueChange {
  readonly key: string
  readonly baseline?: string
  readonly candidate?: string
  readonly change: 'changed' | 'added' | 'removed'
}

/** The differences between the two versions' `MLmodel` files. */
export interface ModelChange {
  readonly flavorsAdded: readonly string[]
  readonly flavorsRemoved: readonly string[]
  /** Undefined when either signature could not be read. */
  readonly signatureChanged?: boolean
  readonly sizeDelta?: number
}

/** The differences between the new version and the one it replaces. */
export interface VersionDiff {
  readonly metrics: readonly MetricChange[]
  readonly params: readonly ValueChange[]
  readonly tags: readonly ValueChange[]
  readonly model: ModelChange
}

// Common metric names where a smaller value is better. Everything else
// that looks like a score (accuracy, AUC, F1, R2, ...) improves upwards.
const LOWER_IS_BETTER =
  /(loss|err|rmse|mse|mae|mape|perplexity|latency|duration|time|cost)/i
const HIGHER_IS_BETTER =
  /(acc|auc|f1|precision|recall|r2|score|ap$|map|ndcg|iou|dice|bleu|rouge)/i

/** Guesses from a metric's name whether higher or lower is better. */
export function metricDirection(key: string): MetricDirection {
  if (LOWER_IS_BETTER.test(key)) return 'lower'
  if (HIGHER_IS_BETTER.test(key)) return 'higher'
  return 'unknown'
}

/** Compares two versions' metrics, params, tags and model files. */
export function diffVersions(
  baseline: VersionFacts,
  candidate: VersionFacts
): VersionDiff {
  return {
    metrics: diffMetrics(baseline.metrics, candidate.metrics),
    params: diffValues(baseline.params, candidate.params),
    tags: diffValues(baseline.tags, candidate.tags),
    model: diffModels(baseline, candidate)
  }
}

/** Lists a single version's metrics, for a first release. */
export function listMetrics(
  metrics: ReadonlyMap<string, number> | undefined
): MetricChange[] {
  return [...(metrics ?? [])]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({
      key,
      candidate: value,
      direction: metricDirection(key),
      change: 'added'
    }))
}

function diffMetrics(
  baseline: ReadonlyMap<string, number> | undefined,
  candidate: ReadonlyMap<string, number> | undefined
): MetricChange[] {
  return sortedKeys(baseline, candidate).map((key): MetricChange => {
    const before = baseline?.get(key)
    const after = candidate?.get(key)
    const direction = metricDirection(key)
    if (before === undefined || after === undefined) {
      return {
        key,
        ...(before === undefined ? {} : { baseline: before }),
        ...(after === undefined ? {} : { candidate: after }),
        direction,
        change: before === undefined ? 'added' : 'removed'
      }
    }
    const delta = after - before
    return {
      key,
      baseline: before,
      candidate: after,
      delta,
      direction,
      change: judge(delta, direction)
    }
  })
}

function judge(delta: number, direction: MetricDirection): Change {
  if (delta === 0) return 'same'
  // A NaN on either side makes the delta NaN, which is neither better
  // nor worse.
  if (direction === 'unknown' || Number.isNaN(delta)) return 'changed'
  return delta > 0 === (direction === 'higher') ? 'better' : 'worse'
}

function diffValues(
  baseline: ReadonlyMap<string, string> | undefined,
  candidate: ReadonlyMap<string, string> | undefined
): ValueChange[] {
  const changes: ValueChange[] = []
  for (const key of sortedKeys(baseline, candidate)) {
    const before = baseline?.get(key)
    const after = candidate?.get(key)
    if (before === after) continue
    if (before === undefined) {
      changes.push({ key, candidate: after ?? '', change: 'added' })
    } else if (after === undefined) {
      changes.push({ key, baseline: before, change: 'removed' })
    } else {
      changes.push({
        key,
        baseline: before,
        candidate: after,
        change: 'changed'
      })
    }
  }
  return changes
}

function sortedKeys(
  ...maps: (ReadonlyMap<string, unknown> | undefined)[]
): string[] {
  const keys = new Set(maps.flatMap(map => [...(map?.keys() ?? [])]))
  return [...keys].sort((a, b) => a.localeCompare(b))
}

function diffModels(
  baseline: VersionFacts,
  candidate: VersionFacts
): ModelChange {
  const before = baseline.model
  const after = candidate.model
  if (!before || !after) return { flavorsAdded: [], flavorsRemoved: [] }
  const sizeDelta =
    before.sizeBytes !== undefined && after.sizeBytes !== undefined
      ? after.sizeBytes - before.sizeBytes
      : undefined
  return {
    flavorsAdded: after.flavors.filter(f => !before.flavors.includes(f)),
    flavorsRemoved: before.flavors.filter(f => !after.flavors.includes(f)),
    signatureChanged:
      JSON.stringify(before.signature ?? {}) !==
      JSON.stringify(after.signature ?? {}),
    ...(sizeDelta === undefined ? {} : { sizeDelta })
  }
}
