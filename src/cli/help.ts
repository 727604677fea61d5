import { INPUTS, type InputSpec } from '../config/inputs.js'
import { inputVariable } from './cli-host.js'
import { RUN_OPTIONS_OF, takesInput, type Command } from './args.js'

const SUMMARIES: Record<Command, string> = {
  register:
    'Register a model version in an MLflow Model Registry, after an auth ' +
    'preflight; offline, or without a tracking URI, in the local registry.',
  preflight:
    'Check that the tracking server is reachable, is MLflow, has a model ' +
    'registry and accepts the credentials; writes nothing.',
  sync:
    'Register the pending registry bundles in --bundle-dir, written when ' +
    'a registration was deferred because the server was unavailable, and ' +
    'the versions of the local registry in --registry-dir.',
  verify:
    'Check the files of the model version in --source (models:/<name>/' +
    '<version> or @<alias>) against its model.sig signature.',
  list:
    'List the pending registry bundles in --bundle-dir and the versions ' +
    'of the local registry in --registry-dir, each verified.',
  show:
    'Verify one registry bundle or local version (mlflow-register show ' +
    '<bundle-id> or <model>/<version>) and print its manifest.',
  'fake-server':
    'Start an MLflow-compatible fake server on 127.0.0.1, in memory and ' +
    'without auth, to try the other commands without a real MLflow.'
}

/** Builds the help text of the whole CLI or of one command. */
export function helpText(command?: Command): string {
  if (!command) return overviewHelp()
  if (command === 'fake-server') return fakeServerHelp()
  const inputs = (INPUTS as readonly InputSpec[]).filter(input =>
    takesInput(command, input)
  )
  return [
    `Usage: mlflow-register ${command} [options]`,
    '',
    ...wrap(SUMMARIES[command], 78),
    '',
    'Options (each can also be set in the variable shown):',
    ...inputs.flatMap(describeInput),
    ...runOptionLines(command),
    '  -h, --help            Show this help.',
    '  --version             Print the version of mlflow-register.',
    '',
    EXIT_CODES
  ].join('\n')
}

const RUN_OPTION_LINES = {
  json:
    '  --json                Print the outputs as one JSON object on ' +
    'stdout.',
  'summary-file':
    '  --summary-file FILE   Append the Markdown summary to FILE.',
  debug: '  --debug               Log each request.'
} as const

/** Lists the help lines of the output options that a command takes. */
function runOptionLines(command: Command): string[] {
  if (command === 'list') {
    return [
      '  --json                Print the rows as one JSON array on stdout.'
    ]
  }
  const taken: readonly string[] = RUN_OPTIONS_OF[command]
  return Object.entries(RUN_OPTION_LINES)
    .filter(([option]) => taken.includes(option))
    .map(([, line]) => line)
}

/** Width of the command names column of the overview, with its indent. */
const COMMAND_COLUMN = 14

function overviewHelp(): string {
  const commands = Object.entries(SUMMARIES).flatMap(([name, text]) => {
    const [first = '', ...rest] = wrap(text, 80 - COMMAND_COLUMN)
    const indent = ' '.repeat(COMMAND_COLUMN)
    return [
      `  ${name.padEnd(COMMAND_COLUMN - 3)} ${first}`,
      ...rest.map(line => `${indent}${line}`)
    ]
  })
  return [
    'Usage: mlflow-register <command> [options]',
    '',
    'Commands:',
    ...commands,
    '',
    'Run mlflow-register <command> --help for its options, and',
    'mlflow-register --version for the version.',
    '',
    EXIT_CODES
  ].join('\n')
}

function fakeServerHelp(): string {
  return [
    'Usage: mlflow-register fake-server [--port PORT]',
    '',
    ...wrap(SUMMARIES['fake-server'], 78),
    '',
    ...wrap(
      'Prints one JSON line on stdout with the tracking URI, the port and ' +
        'the process id, such as {"url":"http://127.0.0.1:41234",' +
        '"port":41234,"pid":5678}, and runs until it gets SIGINT ' +
        '(Ctrl+C) or SIGTERM. Everything it stores is lost when it stops.',
      78
    ),
    '',
    'Options:',
    '  --port PORT           The TCP port on 127.0.0.1. Default: 0, a free',
    '                        port.',
    '  -h, --help            Show this help.'
  ].join('\n')
}

function describeInput(input: InputSpec): string[] {
  // A set, because some inputs list their own variable as a fallback.
  const variables = new Set([inputVariable(input.name), ...(input.env ?? [])])
  const fallback =
    (input.boolean ? ' Given without a value, the flag means true.' : '') +
    (input.default === undefined ? '' : ` Default: ${input.default}.`)
  return [
    `  --${input.name}`,
    ...wrap(`${input.description.replace(/`/g, '')}${fallback}`, 72).map(
      line => `      ${line}`
    ),
    ...wrap(`Variables: ${[...variables].join(', ')}`, 72).map(
      line => `      ${line}`
    )
  ]
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines
}

const EXIT_CODES = [
  'Exit codes:',
  '  0  the command succeeded',
  '  1  it failed; the diagnosis code is printed and in the JSON output',
  '  2  the command line is invalid: an unknown command or option, or an',
  '     option or variable value that fails validation'
].join('\n')
