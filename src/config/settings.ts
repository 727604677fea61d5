import { INPUTS, type InputName, type InputSpec } from './inputs.js'

/** A raw setting value and where it came from, before validation. */
export interface Setting {
  readonly value: string
  /**
   * `input`, an environment variable's name, `default`, or a phrase such
   * as `profile ci of /home/runner/.databrickscfg` for a value read from
   * a file.
   */
  readonly origin: string
  /** The name of a value read from a file in messages, such as a key. */
  readonly label?: string
}

/** Every input's raw value, keyed by input name; unset inputs are absent. */
export type Settings = ReadonlyMap<InputName, Setting>

/** Reads one input's raw value; returns '' when it is not set. */
export type InputReader = (name: InputName) => string

/**
 * Reads every input, falling back to its environment variables and then to
 * its default. Inputs with environment fallbacks have no default in
 * `action.yml`, because the runner would fill it in and hide the
 * environment variable.
 */
export function readSettings(
  readInput: InputReader,
  env: NodeJS.ProcessEnv
): Settings {
  const settings = new Map<InputName, Setting>()
  for (const spec of INPUTS as readonly InputSpec[]) {
    const name = spec.name as InputName
    const setting = readSetting(spec, readInput(name), env)
    if (setting) settings.set(name, setting)
  }
  return settings
}

function readSetting(
  spec: InputSpec,
  value: string,
  env: NodeJS.ProcessEnv
): Setting | undefined {
  if (value !== '') {
    return { value, origin: value === spec.default ? 'default' : 'input' }
  }
  for (const envName of spec.env ?? []) {
    const envValue = env[envName]?.trim()
    if (envValue) return { value: envValue, origin: envName }
  }
  if (spec.default === undefined) return undefined
  return { value: spec.default, origin: 'default' }
}

/** Returns the description of where a setting came from, for logs. */
export function describeOrigin(name: InputName, setting: Setting): string {
  if (setting.origin === 'input') return `input \`${name}\``
  if (setting.origin === 'default') return 'the default'
  return setting.origin
}
