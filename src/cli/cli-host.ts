import { appendFile } from 'node:fs/promises'

import { INPUTS } from '../config/inputs.js'
import { isMaskable } from '../config/secrets.js'
import type { Host } from '../host/host.js'
import { inputVariable, toFlagWording } from './flag-wording.js'

export { inputVariable }

/** Settings of the CLI host. */
export interface CliHostOptions {
  /** Input values from flags, keyed by input name. */
  readonly flags: ReadonlyMap<string, string>
  readonly env: NodeJS.ProcessEnv
  readonly debug: boolean
  /** A file to append the Markdown summary to, if any. */
  readonly summaryFile?: string
  readonly write: (line: string) => void
}

/** Lists the inputs set by an `MLFLOW_REGISTER_*` variable and no flag. */
function inputsFromVariables(options: CliHostOptions): Set<string> {
  const names = INPUTS.map(input => input.name as string)
  return new Set(
    names.filter(
      name =>
        !options.flags.has(name) &&
        options.env[inputVariable(name)] !== undefined
    )
  )
}

/**
 * A host for terminals and other CI systems: inputs come from flags, then
 * `MLFLOW_REGISTER_*` variables; logs go to standard error with every
 * masked value replaced by `***`, and name flags, or the variables that
 * set them, where the action's messages name inputs.
 */
export function createCliHost(options: CliHostOptions): Host & {
  readonly outputs: Map<string, string>
  failed: boolean
} {
  const secrets = new Set<string>()
  const fromVariables = inputsFromVariables(options)
  const reword = (text: string): string => toFlagWording(text, fromVariables)
  const redact = (text: string): string => {
    let result = text
    const longestFirst = [...secrets].sort((a, b) => b.length - a.length)
    for (const secret of longestFirst) result = result.split(secret).join('***')
    return result
  }
  const write = (prefix: string, message: string): void => {
    options.write(redact(reword(`${prefix}${message}`)))
  }
  const host = {
    env: options.env,
    wording: reword,
    outputs: new Map<string, string>(),
    failed: false,
    log: {
      info: (message: string) => {
        write('', message)
      },
      debug: (message: string) => {
        if (options.debug) write('debug: ', message)
      },
      warning: (message: string, annotation?: { title: string }) => {
        write(
          'warning: ',
          annotation ? `${annotation.title}: ${message}` : message
        )
      },
      error: (message: string, annotation?: { title: string }) => {
        write(
          'error: ',
          annotation ? `${annotation.title}\n${message}` : message
        )
      },
      group: <T>(name: string, body: () => Promise<T>) => {
        write('', `== ${name}`)
        return body()
      }
    },
    getInput: (name: string) =>
      (
        options.flags.get(name) ??
        options.env[inputVariable(name)] ??
        ''
      ).trim(),
    setSecret: (value: string) => {
      if (isMaskable(value)) secrets.add(value)
    },
    setOutput: (name: string, value: string) => {
      host.outputs.set(name, redact(value))
    },
    writeSummary: async (markdown: string) => {
      if (options.summaryFile) {
        await appendFile(options.summaryFile, redact(reword(markdown)))
      }
    },
    setFailed: () => {
      host.failed = true
    }
  }
  return host
}
