import { INPUTS } from '../config/inputs.js'

// `mode` is the command on the command line, so it has no flag.
const FLAG_NAMES = new Set<string>(
  INPUTS.map(input => input.name).filter(name => name !== 'mode')
)

/**
 * Returns the variable that sets an input for the CLI, such as
 * `MLFLOW_REGISTER_MODEL_NAME`.
 */
export function inputVariable(name: string): string {
  return `MLFLOW_REGISTER_${name.toUpperCase().replace(/-/g, '_')}`
}

/**
 * Rewrites a message of the configuration checks, which name action
 * inputs, into command-line terms: ``input `max-attempts` `` and a bare
 * `` `max-attempts` `` become `--max-attempts`, or the variable
 * `MLFLOW_REGISTER_MAX_ATTEMPTS` when the input is in `fromVariables`
 * because its value came from there, and the step's `with:` block becomes
 * the command line. A setting such as `` `allow-insecure-http: true` ``
 * becomes `--allow-insecure-http true`, and `` `mode: sync` `` the
 * command `sync`. Other backticked words stay as they are. "The action"
 * and "this action", as the diagnoses call the client, become
 * `mlflow-register`.
 */
export function toFlagWording(
  text: string,
  fromVariables: ReadonlySet<string> = new Set()
): string {
  const name = (input: string): string =>
    fromVariables.has(input) ? inputVariable(input) : `--${input}`
  return text
    .replace(/`mode: ([a-z-]+)`/g, 'the `$1` command')
    .replace(/`([a-z][a-z-]*): ([^`\n]+)`/g, (match, input: string, value) =>
      FLAG_NAMES.has(input) ? `\`--${input} ${String(value)}\`` : match
    )
    .replace(/input `([a-z][a-z-]*)`/g, (match, input: string) =>
      FLAG_NAMES.has(input) ? name(input) : match
    )
    .replace(/`([a-z][a-z-]*)`/g, (match, input: string) =>
      FLAG_NAMES.has(input) ? name(input) : match
    )
    .replace(/in the step's `with:` block/g, 'on the command line')
    .replace(/\b(?:[Tt]he|[Tt]his) action\b/g, 'mlflow-register')
}
