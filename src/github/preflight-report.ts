import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { Host } from '../host/host.js'
import type { RunResult } from './outputs.js'
import { summarize } from './outputs.js'
import { renderSummary } from './summary.js'
import { redactText } from './redact.js'

/**
 * Returns the report file's path: the `report-path` input, else a file
 * under RUNNER_TEMP on a runner, else `.mlflow-register` in the
 * workspace.
 */
export function resolveReportPath(
  reportPath: string | undefined,
  env: NodeJS.ProcessEnv
): string {
  if (reportPath) return reportPath
  const root = env.RUNNER_TEMP
    ? path.join(env.RUNNER_TEMP, 'mlflow-register')
    : path.join(env.GITHUB_WORKSPACE ?? process.cwd(), '.mlflow-register')
  return path.join(root, 'preflight-report.md')
}

/**
 * Renders the preflight report: the job summary's content under a title,
 * in the host's `wording`, with every secret and credential-like text
 * removed, so that it can be attached to a bug report.
 */
export function renderPreflightReport(
  result: RunResult,
  secrets: readonly string[],
  now: Date = new Date(),
  wording: (text: string) => string = text => text
): string {
  const body = renderSummary(summarize(result)).replace(/^### /, '## ')
  const header = [
    '# MLflow preflight report',
    '',
    `Written ${now.toISOString()}. Secrets, credentials in URLs and ` +
      'tokens are removed.',
    ''
  ]
  return redactText(wording([...header, body].join('\n')), secrets)
}

/**
 * Writes the redacted preflight report and returns its path. A report
 * that cannot be written is logged as a warning and does not fail the
 * run, because the job summary contains the same content.
 */
export async function writePreflightReport(
  result: RunResult,
  secrets: readonly string[],
  host: Pick<Host, 'env' | 'log' | 'wording'>
): Promise<string | undefined> {
  const { env, log, wording } = host
  const file = resolveReportPath(result.config?.reportPath, env)
  const report = renderPreflightReport(result, secrets, new Date(), wording)
  try {
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, report, { mode: 0o600 })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    log.warning(`Could not write the preflight report to ${file}: ${reason}`, {
      title: 'Preflight report not written'
    })
    return undefined
  }
  log.info(`Preflight report written to ${file}`)
  return file
}
