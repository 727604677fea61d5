/**
 * Runs the `model_signing` CLI of model-signing 1.1.1, the reference
 * implementation of the OpenSSF model signing format, from the venv that
 * scripts/model-signing/setup-venv.sh creates.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

import { ROOT } from './spawn-node.js'

const CLI = path.join(ROOT, '.venv-extra/bin/model_signing')

/** What one run of the CLI returned and printed. */
export interface CliRun {
  readonly exitCode: number
  readonly output: string
}

/**
 * Throws when the venv is missing, so interop tests fail instead of
 * passing without the reference implementation.
 */
export function requireModelSigning(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: run scripts/model-signing/setup-venv.sh to install ` +
        'model-signing for the interop tests.'
    )
  }
}

function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise(resolve => {
    execFile(CLI, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      let exitCode = 0
      if (error) exitCode = typeof code === 'number' ? code : 1
      resolve({ exitCode, output: `${stdout}${stderr}` })
    })
  })
}

/**
 * Signs a model directory with a PEM private key file into `signature`.
 * `options` go to the CLI as they are, such as `--allow_symlinks`.
 */
export function signWithKey(
  model: string,
  privateKeyFile: string,
  signature: string,
  options: readonly string[] = []
): Promise<CliRun> {
  return runCli([
    'sign',
    'key',
    model,
    '--private_key',
    privateKeyFile,
    '--signature',
    signature,
    ...options
  ])
}

/**
 * Verifies a model directory against a signature with a PEM public key.
 * `options` go to the CLI as they are, such as `--no-ignore-git-paths`.
 */
export function verifyWithKey(
  model: string,
  publicKeyFile: string,
  signature: string,
  options: readonly string[] = []
): Promise<CliRun> {
  return runCli([
    'verify',
    'key',
    model,
    '--public_key',
    publicKeyFile,
    '--signature',
    signature,
    ...options
  ])
}
