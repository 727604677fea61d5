import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** The comparison operators a metric gate accepts. */
export const GATE_OPERATORS = ['>=', '<=', '>', '<', '=='] as const

/** A comparison operator of a metric gate. */
export type GateOperator = (typeof GATE_OPERATORS)[number]

/**
 * One condition on a metric of the new version's source run, checked
 * before any alias moves: either against a number or against the same
 * metric of the version that the alias points to now.
 */
export interface MetricGate {
  /** The line as the user wrote it, for logs and the summary. */
  readonly text: string
  readonly metric: string
  readonly operator: GateOperator
  readonly threshold:
    | { readonly kind: 'number'; readonly value: number }
    | { readonly kind: 'alias'; readonly alias: string }
}

// MLflow metric keys contain letters, digits, `_ - . / :` and spaces, so
// the key is everything before the first operator.
const GATE_LINE = /^(.+?)\s*(>=|<=|==|>|<)\s*(\S+)$/
const METRIC_KEY = /^[\w\-. /:]+$/

const numberSchema = z
  .string()
  .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)
  .transform(Number)
  // zod's number rejects Infinity, which 1e400 would otherwise become.
  .pipe(z.number())

/**
 * Parses `require-metric` lines such as `val_auc >= 0.91` or
 * `val_loss <= champion`. A name on the right must be the first alias,
 * whose current version is the one the new version is compared with.
 * `uploadsModel` is true when the model comes from `model-path`.
 */
export function parseMetricGates(
  setting: Setting | undefined,
  aliases: readonly string[],
  uploadsModel = false
): MetricGate[] {
  if (!setting) return []
  const label = settingLabel('require-metric', setting)
  if (uploadsModel && setting.value.trim() !== '') {
    throw configError(
      label,
      'metric gates read the source run, and a `model-path` upload goes ' +
        'into a new run that has no metrics',
      "Register the training run's model with " +
        '`source: runs:/<run-id>/<path>` instead of `model-path`, or ' +
        'remove `require-metric`.'
    )
  }
  const gates: MetricGate[] = []
  for (const [index, rawLine] of setting.value.split(/\r?\n/).entries()) {
    const line = rawLine.trim()
    if (line === '') continue
    const match = GATE_LINE.exec(line)
    if (!match?.[1] || !match[2] || !match[3] || !METRIC_KEY.test(match[1])) {
      throw configError(
        label,
        `line ${index + 1} is ${quote(line)}, expected ` +
          '`<metric> <operator> <number or alias>` with an operator of ' +
          GATE_OPERATORS.join(' '),
        'Write one condition per line, such as `val_auc >= 0.91` or ' +
          '`val_loss <= champion`.'
      )
    }
    gates.push({
      text: line,
      metric: match[1],
      operator: match[2] as GateOperator,
      threshold: parseThreshold(
        `${label}, line ${index + 1}`,
        match[3],
        aliases
      )
    })
  }
  if (gates.length > 0 && aliases.length === 0) {
    throw configError(
      label,
      'metric gates decide whether aliases move, but no `aliases` are set',
      'Set `aliases` (for example champion), or remove `require-metric`.'
    )
  }
  return gates
}

function parseThreshold(
  label: string,
  value: string,
  aliases: readonly string[]
): MetricGate['threshold'] {
  const number = numberSchema.safeParse(value)
  if (number.success) return { kind: 'number', value: number.data }
  if (value === aliases[0]) return { kind: 'alias', alias: value }
  const first = aliases[0]
  throw configError(
    label,
    `${quote(value)} is neither a number nor the first alias` +
      (first ? ` (${quote(first)})` : ''),
    'Compare with a number, or with the first alias in `aliases`, whose ' +
      'current version is the one the new version replaces.'
  )
}
