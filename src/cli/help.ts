import { INPUTS, type InputSpec } from '../config/inputs.js'
import { inputVariable } from './cli-host.js'
import type { Command } from './args.js'

const SUMMARIES: Record<Command, string> = {
  register:
    'Register a model version in an MLflow Model Registry, after an auth ' +
    'preflight.',
  preflight:
    'Check that the tracking server is reachable, is MLflow, has a model ' +
    'registry and accepts the credentials; writes nothing.',
  sync:
    'Register the pending registry bundles in --bundle-dir, written when ' +
    'a registration was deferred because the server was unavailable.',
  list:
    'List the pending registry bundles in --bundle-dir, each verified, ' +
    'with its model, time and last error.',
  show:
    'Verify one registry bundle (mlflow-register show <bundle-id>) and ' +
    'print its manifest.'
}

/** The help text of the whole CLI or of one command. */
export function helpText(command?: Command): string {
  if (!command) {
    return [
      'Usage: mlflow-register <command> [options]',
      '',
      'Commands:',
      ...Object.entries(SUMMARIES).map(
        ([name, text]) => `  ${name.padEnd(10)} ${text}`
      ),
      '',
      'Run `mlflow-register <command> --help` for its options.',
      '',
      EXIT_CODES
    ].join('\n')
  }
  const inputs = (INPUTS as readonly InputSpec[]).filter(i => i.name !== 'mode')
  return [
    `Usage: mlflow-register ${command} [options]`,
    '',
    ...wrap(SUMMARIES[command], 78),
    '',
    'Options (each can also be set in the variable shown):',
    ...inputs.flatMap(describeInput),
    '  --json                Print the outputs as one JSON object on stdout.',
    '  --summary-file FILE   Append the Markdown summary to FILE.',
    '  --debug               Log each request.',
    '  -h, --help            Show this help.',
    '',
    EXIT_CODES
  ].join('\n')
}

function describeInput(input: InputSpec): string[] {
  const variables = [inputVariable(input.name), ...(input.env ?? [])]
  const fallback =
    input.default === undefined ? '' : ` Default: ${input.default}.`
  return [
    `  --${input.name}`,
    ...wrap(`${input.description.replace(/`/g, '')}${fallback}`, 72).map(
      line => `      ${line}`
    ),
    ...wrap(`Variables: ${variables.join(', ')}`, 72).map(
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
  '  2  the command line is invalid'
].join('\n')
