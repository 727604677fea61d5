/**
 * Runs the bundled CLI (dist/cli/index.js) as a user's shell or another CI
 * system would, with only PATH, HOME and the given variables.
 */
import path from 'node:path'

import {
  ROOT,
  inheritedEnv,
  spawnNode,
  type ProcessResult
} from './spawn-node.js'

/** The bundled CLI's entry script. */
export const CLI_ENTRY = path.join(ROOT, 'dist/cli/index.js')

/**
 * The outputs that `--json` prints, by output name: strings, except
 * `comparison`, which is an object or null.
 */
export type CliOutputs = Readonly<Record<string, unknown>>

/** Runs `mlflow-register <args>` in the repository root. */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {}
): Promise<ProcessResult> {
  return spawnNode(CLI_ENTRY, args, {
    env: { ...inheritedEnv(), ...env },
    cwd: ROOT
  })
}

/** Parses the JSON object that `--json` prints on stdout. */
export function parseCliOutputs(stdout: string): CliOutputs {
  return JSON.parse(stdout) as CliOutputs
}
