import type { MetricChange, ValueChange } from './compare.js'
import type { GateResult } from './gates.js'
import type { ReleaseComparison, VersionReport } from './release.js'

/**
 * The maximum number of rows in one summary table, so the job summary
 * stays readable with hundreds of metrics. The `comparison` output keeps
 * every row.
 */
export const MAX_TABLE_ROWS = 25

const CHANGE_MARKS: Record<string, string> = {
  better: '✅ better',
  worse: '⚠️ worse',
  same: 'same',
  changed: 'changed',
  added: 'new',
  removed: 'removed'
}

/**
 * Renders the release comparison as Markdown for the job summary. The
 * candidate's column is labelled `reused` when this run found the
 * version registered already, and `new` otherwise.
 */
export function renderComparison(
  comparison: ReleaseComparison,
  reused = false
): string[] {
  const { baseline, candidate } = comparison
  const oldLabel = baseline
    ? `Version ${baseline.version} ('${comparison.alias}' now)`
    : undefined
  const newLabel =
    `Version ${candidate.version} ` + (reused ? '(reused)' : '(new)')
  return [
    `#### Release: '${comparison.alias}'`,
    '',
    comparison.verdict,
    '',
    ...versionTable(candidate, baseline, newLabel, oldLabel),
    ...section(gateTable(comparison.gates)),
    ...section(metricTable(comparison, newLabel, oldLabel)),
    ...section(valueTable('Param', comparison.params, newLabel, oldLabel)),
    ...section(valueTable('Tag', comparison.tags, newLabel, oldLabel))
  ]
}

function section(lines: string[]): string[] {
  return lines.length > 0 ? ['', ...lines] : []
}

function versionTable(
  candidate: VersionReport,
  baseline: VersionReport | undefined,
  newLabel: string,
  oldLabel: string | undefined
): string[] {
  const columns = baseline ? [baseline, candidate] : [candidate]
  const header = oldLabel ? ['', oldLabel, newLabel] : ['', newLabel]
  const facts: [string, (v: VersionReport) => string | undefined][] = [
    ['Registered', registered],
    ['Source run', sourceRunCell],
    ['Commit', commitCell],
    ['Workflow run', v => (v.runUrl ? `[run](${v.runUrl})` : undefined)],
    ['Flavors', v => v.flavors?.join(', ') ?? v.modelNote],
    ['Size', v => (v.sizeBytes === undefined ? undefined : size(v.sizeBytes))]
  ]
  const rows = facts
    .map(([label, read]) => [label, ...columns.map(v => read(v) ?? '')])
    .filter(([, ...cells]) => cells.some(cell => cell !== ''))
  return table(header, rows)
}

function registered(version: VersionReport): string | undefined {
  if (!version.createdAt) return undefined
  const when = version.createdAt.replace('T', ' ').replace(/:\d\d\.\d+Z$/, '')
  return version.creator ? `${when} UTC by ${version.creator}` : `${when} UTC`
}

function sourceRunCell(version: VersionReport): string | undefined {
  const run = version.runId ? code(version.runId) : undefined
  if (run && version.runNote) return `${run} (${version.runNote})`
  return run ?? version.runNote
}

function commitCell(version: VersionReport): string | undefined {
  const { commit, repository, runUrl } = version
  if (!commit) return undefined
  const short = code(commit.slice(0, 7))
  // A GitHub run URL gives the server, so GitHub Enterprise links work too.
  const server = runUrl?.match(/^(https?:\/\/[^/]+)\/[^/]+\/[^/]+\/actions/)
  if (!server?.[1] || !repository) return short
  return `[${short}](${server[1]}/${repository}/commit/${commit})`
}

function gateTable(gates: readonly GateResult[]): string[] {
  const rows = gates.map(gate => [
    code(gate.gate),
    `${gate.passed ? '✅ passed' : '❌ failed'}: ${gate.reason}`
  ])
  return rows.length > 0 ? table(['Gate', 'Result'], rows) : []
}

function metricTable(
  comparison: ReleaseComparison,
  newLabel: string,
  oldLabel: string | undefined
): string[] {
  const gated = new Set(comparison.gates.map(gate => gate.metric))
  const ordered = [...comparison.metrics].sort(
    (a, b) => rank(a, gated) - rank(b, gated)
  )
  const shown = ordered.slice(0, MAX_TABLE_ROWS)
  const rows = shown.map(metric =>
    oldLabel
      ? [
          metric.key,
          number(metric.baseline),
          number(metric.candidate),
          changeCell(metric)
        ]
      : [metric.key, number(metric.candidate)]
  )
  const header = oldLabel
    ? ['Metric', oldLabel, newLabel, 'Change']
    : ['Metric', newLabel]
  return [...table(header, rows), ...more(ordered.length, 'metrics')]
}

// Gated metrics first, then regressions, then other changes, then added
// and removed metrics, then unchanged ones. The sort is stable, so each
// group stays in name order.
const CHANGE_RANKS: Record<MetricChange['change'], number> = {
  worse: 1,
  better: 2,
  changed: 2,
  added: 3,
  removed: 3,
  same: 4
}

function rank(metric: MetricChange, gated: ReadonlySet<string>): number {
  return gated.has(metric.key) ? 0 : CHANGE_RANKS[metric.change]
}

function changeCell(metric: MetricChange): string {
  const mark = CHANGE_MARKS[metric.change] ?? metric.change
  if (metric.delta === undefined) return mark
  const sign = metric.delta > 0 ? '+' : ''
  return `${sign}${number(metric.delta)} ${mark}`
}

function valueTable(
  noun: string,
  changes: readonly ValueChange[],
  newLabel: string,
  oldLabel: string | undefined
): string[] {
  if (changes.length === 0 || !oldLabel) return []
  const rows = changes
    .slice(0, MAX_TABLE_ROWS)
    .map(change => [
      code(change.key),
      plainText(change.baseline),
      plainText(change.candidate),
      change.change
    ])
  return [
    ...table([noun, oldLabel, newLabel, 'Change'], rows),
    ...more(changes.length, `${noun.toLowerCase()}s`)
  ]
}

function more(total: number, noun: string): string[] {
  if (total <= MAX_TABLE_ROWS) return []
  return [
    '',
    `${total - MAX_TABLE_ROWS} more ${noun} are in the \`comparison\` output.`
  ]
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return []
  const line = (cells: string[]): string =>
    `| ${cells.map(escapeCell).join(' | ')} |`
  return [
    line(header),
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(line)
  ]
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

// Param and tag values come from users' runs, so HTML in them is shown as
// text rather than rendered by the job summary. Code spans need no such
// escaping, and entities would show literally inside them.
function plainText(value: string | undefined): string {
  return (value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``
}

function number(value: number | undefined): string {
  if (value === undefined) return ''
  return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6))
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}
