import type { RunResult } from '../github/outputs.js'
import { run } from '../main.js'
import { VERSION } from '../version.js'
import { UsageError, parseCliArgs } from './args.js'
import { listBundles, showBundle } from './bundle-commands.js'
import { createCliHost } from './cli-host.js'
import { helpText } from './help.js'

/** Streams the CLI writes to; injected in tests. */
export interface CliStreams {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/**
 * Runs the CLI and returns its exit code: 0 on success, 1 when the
 * command failed (with a diagnosis), 2 when the command line is invalid,
 * including an option or variable value that fails validation.
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  streams: CliStreams
): Promise<number> {
  let args
  try {
    args = parseCliArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    streams.stderr(
      `error: ${error.message}\nRun mlflow-register --help for the ` +
        'commands, or mlflow-register <command> --help for the options.\n'
    )
    return 2
  }
  if (args.version) {
    streams.stdout(`${VERSION}\n`)
    return 0
  }
  if (args.help || !args.command) {
    const text = helpText(args.command)
    if (args.command || args.help) {
      streams.stdout(`${text}\n`)
      return 0
    }
    streams.stderr(`${text}\n`)
    return 2
  }

  if (args.command === 'list') return listBundles(args, env, streams)
  if (args.command === 'show') return showBundle(args, env, streams)
  if (args.command === 'fake-server') {
    // The fake server is a sixth of the code and no other command uses
    // it, so it loads only for this one.
    const { runFakeServer } = await import('./fake-server-command.js')
    return runFakeServer(args, streams)
  }

  const flags = new Map(args.flags)
  flags.set('mode', args.command)
  const host = createCliHost({
    flags,
    env,
    debug: args.debug,
    ...(args.summaryFile ? { summaryFile: args.summaryFile } : {}),
    write: line => {
      streams.stderr(`${line}\n`)
    }
  })
  const result = await run(host)
  const outputs = Object.fromEntries(host.outputs)
  streams.stdout(
    args.json
      ? `${JSON.stringify(jsonOutputs(outputs), null, 2)}\n`
      : Object.entries(outputs)
          .filter(([, value]) => value !== '')
          .map(([name, value]) => `${name}=${value}\n`)
          .join('')
  )
  return exitCode(result, host.failed)
}

/**
 * Maps a run to its exit code. An option or variable value that failed
 * validation is an invalid command line (2), as the help documents, so
 * scripts can tell it from a failed run (1).
 */
function exitCode(result: RunResult, failed: boolean): number {
  if (result.diagnosis?.invalidSetting !== undefined) return 2
  return failed ? 1 : 0
}

/**
 * Returns the outputs for `--json`, with `comparison` and `planned-calls`
 * as values or null rather than JSON strings inside JSON. `sync-report`
 * stays a string, as it was before the others were parsed, so scripts
 * that read it keep working.
 */
function jsonOutputs(outputs: Record<string, string>): Record<string, unknown> {
  const parsed: Record<string, unknown> = { ...outputs }
  for (const name of JSON_OUTPUTS) {
    const value = outputs[name]
    parsed[name] = value ? (JSON.parse(value) as unknown) : null
  }
  return parsed
}

const JSON_OUTPUTS = ['comparison', 'planned-calls'] as const
