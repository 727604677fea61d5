/**
 * Runs a bundled entry point in a child Node 24 process with an
 * environment built from scratch, for the end-to-end tests.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..')

/** The Node 24 binary that GitHub runners use for `using: node24`. */
export const NODE_24 = path.join(ROOT, 'node_modules/.bin/node')

/** How long a child process may run before it is killed. */
const CHILD_TIMEOUT_MS = 100_000

/** What a finished child process returned and printed. */
export interface ProcessResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Returns the only variables a child inherits from this process: PATH
 * and HOME. Anything else, such as MLFLOW_* from the developer's shell,
 * would change what the action does.
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME'] as const) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

/**
 * Runs `node <script> <args>` with exactly `env` and waits for it to exit.
 * A child that outlives its time limit is killed and the promise rejects.
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  options: { readonly env: Record<string, string>; readonly cwd: string }
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_24, [script, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not exit in ${CHILD_TIMEOUT_MS} ms`))
    }, CHILD_TIMEOUT_MS)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8')
      })
    })
  })
}

/**
 * Returns the URL of a loopback port that nothing listens on, so a
 * request to it fails at once with ECONNREFUSED.
 */
export async function closedLoopbackUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>(resolve => {
    server.close(() => {
      resolve()
    })
  })
  if (address === null || typeof address === 'string') {
    throw new Error('The probe server has no TCP port.')
  }
  return `http://127.0.0.1:${address.port}`
}
