import type { Diagnosis } from '../diagnosis/diagnosis.js'
import type { PlannedCall } from '../register/planned-call.js'
import type { ReleaseComparison } from '../release/release.js'
import { renderComparison } from '../release/render.js'

/** What one run did, for the job summary. */
export interface RunSummary {
  readonly mode: string
  readonly trackingUri: string
  /** The local registry's directory, for an offline registration. */
  readonly localRegistry?: string
  readonly modelName: string
  readonly outcome: string
  readonly authMode?: string
  readonly authReason?: string
  readonly ignored: readonly string[]
  /** The origin of each connection and auth setting, as `name: origin`. */
  readonly settings?: readonly string[]
  readonly serverVersion?: string
  /** The user the server authenticated, when it reports one. */
  readonly identity?: string
  /** HTTP requests the preflight sent. */
  readonly requestCount?: number
  readonly version?: string
  readonly modelUrl?: string
  readonly source?: string
  /** The SHA-256 model digest of the OpenSSF model signing format. */
  readonly modelDigest?: string
  readonly aliases: readonly string[]
  /** The directory of a deferred registration's registry bundle. */
  readonly bundlePath?: string
  /** The directory of the version written into the local registry. */
  readonly localVersionPath?: string
  /** The counts of a sync, such as `2 synced, 1 failed`. */
  readonly syncCounts?: string
  /** The writes a dry run planned, in the order a real run sends them. */
  readonly plannedCalls?: readonly PlannedCall[]
  readonly checks: readonly string[]
  readonly notVerified: readonly string[]
  readonly comparison?: ReleaseComparison
  readonly diagnosis?: Diagnosis
}

const OUTCOME_ICONS: Record<string, string> = {
  registered: '✅',
  reused: '♻️',
  checked: '✅',
  deferred: '⏸️',
  'registered-locally': '📁',
  synced: '✅',
  'dry-run': '📝',
  verified: '✅',
  failed: '❌'
}

/** Renders the job summary as GitHub-flavoured Markdown. */
export function renderSummary(summary: RunSummary): string {
  const icon = OUTCOME_ICONS[summary.outcome] ?? ''
  const rows = [
    row('Tracking server', summary.trackingUri),
    row('Local registry', summary.localRegistry),
    row('Registered model', summary.modelName),
    row('Version', versionCell(summary)),
    row('Source', summary.source),
    row('Model digest', summary.modelDigest),
    row('Aliases', summary.aliases.join(', ')),
    row('Registry bundle', summary.bundlePath),
    row('Local version', summary.localVersionPath),
    row('Bundles', summary.syncCounts),
    row('Auth mode', summary.authMode),
    row('Auth decision', summary.authReason),
    row('Ignored settings', summary.ignored.join('; ')),
    row('Settings from', summary.settings?.join('; ')),
    row('Server version', summary.serverVersion),
    row('Authenticated as', summary.identity),
    row('Checks passed', summary.checks.join('; ')),
    row('Not verified', summary.notVerified.join('; ')),
    row('Preflight requests', summary.requestCount?.toString())
  ].filter(line => line !== undefined)
  // When the configuration is invalid none of these values is known, and
  // a table without rows would render as an empty box.
  const lines = [`### ${icon} MLflow ${summary.mode}: ${summary.outcome}`]
  if (rows.length > 0) lines.push('', '| | |', '| --- | --- |', ...rows)
  if (summary.plannedCalls) {
    lines.push('', ...renderPlannedCalls(summary.plannedCalls))
  }
  if (summary.comparison) {
    const reused = summary.outcome === 'reused'
    lines.push('', ...renderComparison(summary.comparison, reused))
  }
  if (summary.diagnosis) lines.push('', ...renderDiagnosis(summary.diagnosis))
  return `${lines.join('\n')}\n`
}

function versionCell(summary: RunSummary): string | undefined {
  if (!summary.version) return undefined
  return summary.modelUrl
    ? `[${summary.version}](${summary.modelUrl})`
    : summary.version
}

function row(label: string, value: string | undefined): string | undefined {
  return value ? `| ${label} | ${escapeCell(value)} |` : undefined
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** Renders a dry run's planned writes as a Markdown list of JSON. */
function renderPlannedCalls(calls: readonly PlannedCall[]): string[] {
  if (calls.length === 0) return ['#### Planned writes', '', 'None.']
  return [
    '#### Planned writes',
    '',
    ...calls.flatMap((call, index) => [
      `${index + 1}. ${call.operation}: \`${call.method} ${call.path}\``,
      ...(call.body === undefined
        ? []
        : ['', '   ```json', `   ${JSON.stringify(call.body)}`, '   ```'])
    ])
  ]
}

/** Renders a diagnosis as Markdown: code, detail, fix and evidence. */
export function renderDiagnosis(diagnosis: Diagnosis): string[] {
  const evidence = Object.entries(diagnosis.evidence).map(
    ([key, value]) => `| ${key} | ${escapeCell(String(value))} |`
  )
  return [
    `#### \`${diagnosis.code}\`: ${diagnosis.title}`,
    '',
    diagnosis.detail,
    '',
    `**Fix:** ${diagnosis.fix}`,
    ...(evidence.length > 0
      ? ['', '| Evidence | |', '| --- | --- |', ...evidence]
      : [])
  ]
}
