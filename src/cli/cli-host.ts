import { appendFile } from 'node:fs/promises'

import type { Host } from '../host/host.js'
import { toFlagWording } from './flag-wording.js'

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

/** The variable that sets an input for the CLI, such as `MLFLOW_REGISTER_MODEL_NAME`. */
export function inputVariable(name: string): string {
  return `MLFLOW_REGISTER_${name.toUpperCase().replace(/-/g, '_')}`
}

/**
 * A host for terminals and other CI systems: inputs come from flags, then
 * `MLFLOW_REGISTER_*` variables; logs go to standard error with every
 * masked value replaced by `***`, and name flags where the action's
 * messages name inputs.
 */
export function createCliHost(options: CliHostOptions): Host & {
  readonly outputs: Map<string, string>
  failed: boolean
} {
  const secrets = new Set<string>()
  const redact = (text: string): string => {
    let result = text
    const longestFirst = [...secrets].sort((a, b) => b.length - a.length)
    for (const secret of longestFirst) result = result.split(secret).join('***')
    return result
  }
  const write = (prefix: string, message: string): void => {
    options.write(redact(toFlagWording(`${prefix}${message}`)))
  }
  const host = {
    env: options.env,
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
      if (value !== '') secrets.add(value)
    },
    setOutput: (name: string, value: string) => {
      host.outputs.set(name, redact(value))
    },
    writeSummary: async (markdown: string) => {
      if (options.summaryFile) {
        await appendFile(options.summaryFile, redact(toFlagWording(markdown)))
      }
    },
    setFailed: () => {
      host.failed = true
    }
  }
  return host
}
