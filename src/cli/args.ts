import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'

import { INPUTS, type InputSpec } from '../config/inputs.js'

/** The CLI's commands; each runs the action in one mode. */
export const COMMANDS = [
  'register',
  'preflight',
  'sync',
  'verify',
  'list',
  'show',
  'fake-server'
] as const

/** A CLI command. */
export type Command = (typeof COMMANDS)[number]

/** A parsed command line. */
export interface CliArgs {
  readonly command?: Command
  readonly flags: Map<string, string>
  readonly help: boolean
  /** Whether `--version` was given, to print the package version. */
  readonly version: boolean
  readonly json: boolean
  readonly debug: boolean
  readonly summaryFile?: string
  /** The bundle id that `show` takes as its argument. */
  readonly bundleId?: string
  /** The port that `fake-server` listens on; 0 picks a free one. */
  readonly port?: number
}

/** A command line that cannot be run, with the reason. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

const INPUT_FLAGS = INPUTS.filter(input => input.name !== 'mode')

const BOOLEAN_FLAGS = new Set(
  (INPUTS as readonly InputSpec[])
    .filter(input => input.boolean === true)
    .map(input => `--${input.name}`)
)
/**
 * Adds `true` after a true-or-false flag that the command line ends with
 * or that another option follows, so that `--dry-run` means
 * `--dry-run true`. Any other next word stays the value, so
 * `--dry-run false` works and `--dry-run maybe` is rejected by validation.
 */
function completeBooleanFlags(argv: readonly string[]): string[] {
  const completed: string[] = []
  for (const [index, arg] of argv.entries()) {
    completed.push(arg)
    const next = argv[index + 1]
    if (
      BOOLEAN_FLAGS.has(arg) &&
      (next === undefined || next.startsWith('-'))
    ) {
      completed.push('true')
    }
  }
  return completed
}

/**
 * Joins a flag and a PEM value into `--flag=value`, because `parseArgs`
 * takes a value that starts with a dash, as `-----BEGIN` does, for an
 * option and refuses it as ambiguous.
 */
function joinPemValues(argv: readonly string[]): string[] {
  const joined: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? ''
    const next = argv[index + 1]
    if (arg.startsWith('--') && !arg.includes('=') && isPem(next)) {
      joined.push(`${arg}=${next}`)
      index++
    } else {
      joined.push(arg)
    }
  }
  return joined
}

function isPem(value: string | undefined): value is string {
  return value?.startsWith('-----BEGIN ') ?? false
}

/** Parses the command line; every action input is a `--<input>` flag. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const options: ParseArgsOptionsConfig = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    json: { type: 'boolean' },
    debug: { type: 'boolean' },
    'summary-file': { type: 'string' },
    port: { type: 'string' }
  }
  for (const input of INPUT_FLAGS) options[input.name] = { type: 'string' }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: completeBooleanFlags(joinPemValues(argv)),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true
    })
  } catch (error) {
    throw new UsageError(describeParseError(error))
  }
  rejectRepeatedOptions(parsed.tokens ?? [])
  const [command, ...rest] = parsed.positionals
  const bundleId = command === 'show' ? rest.shift() : undefined
  const extra = rest
  const help = parsed.values.help === true
  if (command === 'show' && bundleId === undefined && !help) {
    throw new UsageError('The show command needs a bundle id.')
  }
  if (
    command !== undefined &&
    !(COMMANDS as readonly string[]).includes(command)
  ) {
    throw new UsageError(
      `Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.`
    )
  }
  if (extra.length > 0) {
    throw new UsageError(`Unexpected argument "${extra.join(' ')}".`)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const flags = new Map<string, string>()
  for (const input of INPUT_FLAGS) {
    const value = values[input.name]
    if (typeof value === 'string') flags.set(input.name, value)
  }
  const summaryFile = values['summary-file']
  const port = parsePort(command, values, flags)
  if (command !== undefined && command !== 'fake-server') {
    rejectOtherFlags(command as Command, values, flags)
  }
  return {
    ...(command ? { command: command as Command } : {}),
    flags,
    help: values.help === true,
    version: values.version === true,
    json: values.json === true,
    debug: values.debug === true,
    ...(typeof summaryFile === 'string' ? { summaryFile } : {}),
    ...(bundleId === undefined ? {} : { bundleId }),
    ...(port === undefined ? {} : { port })
  }
}

/** Options of the registry commands that `fake-server` has no use for. */
const RUN_OPTIONS = ['json', 'debug', 'summary-file'] as const

/** An output option of the commands that run the action. */
type RunOption = (typeof RUN_OPTIONS)[number]

/**
 * Reads `--port`, which only `fake-server` takes, and rejects the action's
 * inputs and output options there, because the fake server has no
 * registration to apply them to.
 */
function parsePort(
  command: string | undefined,
  values: Readonly<Record<string, string | boolean | undefined>>,
  flags: ReadonlyMap<string, string>
): number | undefined {
  const value = values.port
  if (command !== 'fake-server') {
    if (value === undefined) return undefined
    throw new UsageError(
      'Only the fake-server command takes --port. Remove it from this ' +
        'command line.'
    )
  }
  const input =
    flags.keys().next().value ??
    RUN_OPTIONS.find(option => values[option] !== undefined)
  if (input !== undefined) {
    throw new UsageError(
      `The fake-server command takes only --port, not --${input}.`
    )
  }
  if (value === undefined) return 0
  const port = typeof value === 'string' ? value.trim() : ''
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
    throw new UsageError(
      `Invalid --port "${String(value)}": expected a whole number from 0 ` +
        'to 65535. Give 0, or leave --port out, to use a free port.'
    )
  }
  return Number(port)
}

/** The output options that each command takes, besides its inputs. */
export const RUN_OPTIONS_OF: Record<Command, readonly RunOption[]> = {
  register: RUN_OPTIONS,
  preflight: RUN_OPTIONS,
  sync: RUN_OPTIONS,
  verify: RUN_OPTIONS,
  list: ['json'],
  show: [],
  'fake-server': []
}

/** Tells whether a command takes the flag of an input. */
export function takesInput(command: Command, input: InputSpec): boolean {
  return (input.commands as readonly string[]).includes(command)
}

/**
 * Rejects a flag that the command does not read, such as `--aliases` on
 * `sync`, because silently ignoring it would hide a mistake in a script.
 */
function rejectOtherFlags(
  command: Command,
  values: Readonly<Record<string, string | boolean | undefined>>,
  flags: ReadonlyMap<string, string>
): void {
  const inputs = INPUTS as readonly InputSpec[]
  const input = inputs.find(
    spec => flags.has(spec.name) && !takesInput(command, spec)
  )?.name
  const option = RUN_OPTIONS.find(
    name =>
      values[name] !== undefined && !RUN_OPTIONS_OF[command].includes(name)
  )
  const flag = input ?? option
  if (flag === undefined) return
  throw new UsageError(
    `The ${command} command does not take --${flag}. Run ` +
      `mlflow-register ${command} --help for its options.`
  )
}

/**
 * Rejects an option given twice, because `parseArgs` keeps the last value
 * and a script with `--model-name a --model-name b` would silently
 * register to `b`.
 */
function rejectRepeatedOptions(
  tokens: readonly { kind: string; name?: string }[]
): void {
  const seen = new Set<string>()
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue
    if (seen.has(token.name)) {
      throw new UsageError(
        `The option --${token.name} is given more than once; give it once.`
      )
    }
    seen.add(token.name)
  }
}

/**
 * Rewords Node's errors for an unknown option, whose text suggests `--`
 * to pass positional arguments, and for an option without its value,
 * whose text names a placeholder. The CLI adds where the help is.
 */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | undefined)?.code
  const option = /'(--?[\w-]+)/.exec(message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    return `Unknown option ${option}.`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    // Node reports a value that starts with a dash as ambiguous, since
    // it could be the next option.
    return message.includes('ambiguous')
      ? `The value of ${option} starts with a dash. Write it as ` +
          `${option}=VALUE, or give a value that does not.`
      : `The option ${option} needs a value: ${option} VALUE.`
  }
  return message
}
