import { run } from '../main.js'
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
 * command failed (with a diagnosis), 2 when the command line is invalid.
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
    streams.stderr(`error: ${error.message}\n\n${helpText()}\n`)
    return 2
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
  await run(host)
  const outputs = Object.fromEntries(host.outputs)
  streams.stdout(
    args.json
      ? `${JSON.stringify(jsonOutputs(outputs), null, 2)}\n`
      : Object.entries(outputs)
          .filter(([, value]) => value !== '')
          .map(([name, value]) => `${name}=${value}\n`)
          .join('')
  )
  return host.failed ? 1 : 0
}

/**
 * Returns the outputs for `--json`, with the `comparison` output as an
 * object (or null) rather than a JSON string inside JSON.
 */
function jsonOutputs(outputs: Record<string, string>): Record<string, unknown> {
  const { comparison, ...rest } = outputs
  return {
    ...rest,
    comparison: comparison ? (JSON.parse(comparison) as unknown) : null
  }
}
