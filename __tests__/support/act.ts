/**
 * Runs workflows with nektos/act on the host, the way the act end-to-end
 * test needs it: a throwaway git repository with the action, its dist/
 * and workflows, every server of act bound to 127.0.0.1, and Node 24
 * first on PATH.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import path from 'node:path'

import { freePort } from '../../scripts/mlflow/servers.mjs'
import { ROOT } from './spawn-node.js'

/** The act binary that scripts/install-go-tools.sh builds. */
export const ACT = path.join(ROOT, '.tools/bin/act')

/** The repository that the copy pretends to be, as its origin remote. */
const REPOSITORY = 'hokusai/mlflow-register'

/** The stand-in for actions/download-artifact; see its action.yml. */
const DOWNLOAD_STUB = path.join(
  ROOT,
  '__tests__/fixtures/act-stubs/download-artifact'
)

/** How long one act run may take before it is killed. */
const ACT_TIMEOUT_MS = 150_000

/** What an act run returned and printed. */
export interface ActResult {
  readonly exitCode: number
  readonly output: string
  readonly durationMs: number
}

/** The folders of one act test: its repository copy and act's state. */
export interface ActSandbox {
  readonly repository: string
  readonly home: string
  readonly artifacts: string
  readonly cache: string
}

/**
 * Copies what the workflows need into `root/repository` and commits it:
 * act reads the repository name, commit and branch from git. The origin
 * remote is only read, never contacted.
 */
export async function createActSandbox(root: string): Promise<ActSandbox> {
  const repository = path.join(root, 'repository')
  const copies = [
    'action.yml',
    'dist',
    '.github/workflows',
    'examples/model',
    '__tests__/fixtures/workflows'
  ]
  for (const entry of copies) {
    cpSync(path.join(ROOT, entry), path.join(repository, entry), {
      recursive: true
    })
  }
  await git(repository, ['init', '--quiet', '--initial-branch', 'main'])
  await git(repository, [
    'remote',
    'add',
    'origin',
    `https://github.com/${REPOSITORY}.git`
  ])
  await git(repository, ['add', '--all'])
  await git(repository, [
    '-c',
    'user.name=act test',
    '-c',
    'user.email=act-test@example.invalid',
    'commit',
    '--quiet',
    '--message',
    'Copy for act'
  ])
  const sandbox = {
    repository,
    home: path.join(root, 'home'),
    artifacts: path.join(root, 'artifacts'),
    cache: path.join(root, 'cache')
  }
  for (const folder of [sandbox.home, sandbox.artifacts, sandbox.cache]) {
    mkdirSync(folder, { recursive: true })
  }
  return sandbox
}

/** The variables and secrets of one act run. */
export interface ActRun {
  readonly workflow: string
  readonly vars: Readonly<Record<string, string>>
  readonly secrets: Readonly<Record<string, string>>
  /** Variables for act itself, such as ACTIONS_RUNTIME_URL. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Runs one workflow of the sandbox on the host (`-self-hosted`) for a
 * push event. `--local-repository` serves the action and its reusable
 * workflows at `@v1` from the sandbox, so act clones nothing. Secrets go
 * through a file, not the command line.
 */
export async function runAct(
  sandbox: ActSandbox,
  run: ActRun
): Promise<ActResult> {
  const secretFile = path.join(sandbox.home, 'act.secrets')
  writeFileSync(secretFile, dotenv(run.secrets), { mode: 0o600 })
  const args = [
    'push',
    ...['--workflows', run.workflow],
    ...['--platform', 'ubuntu-latest=-self-hosted'],
    ...['--local-repository', `${REPOSITORY}@v1=${sandbox.repository}`],
    ...['--artifact-server-path', sandbox.artifacts],
    ...['--artifact-server-addr', '127.0.0.1'],
    ...['--artifact-server-port', String(await freePort())],
    ...['--cache-server-path', sandbox.cache],
    ...['--cache-server-addr', '127.0.0.1'],
    ...['--action-cache-path', path.join(sandbox.home, 'actions')],
    ...['--secret-file', secretFile],
    ...['--var-file', path.join(sandbox.home, 'none.vars')],
    ...stubbedActions().flatMap(uses => [
      '--local-repository',
      `${uses}=${DOWNLOAD_STUB}`
    ]),
    ...Object.entries(run.vars).flatMap(([name, value]) => [
      '--var',
      `${name}=${value}`
    ]),
    '--pull=false'
  ]
  return spawnAct(args, sandbox, run.env ?? {})
}

/**
 * Lists the pinned actions/download-artifact references of register.yml.
 * act fetches a job's remote actions before it evaluates `if:`, so even
 * the skipped download step would reach for github.com.
 */
function stubbedActions(): string[] {
  const workflow = readFileSync(
    path.join(ROOT, '.github/workflows/register.yml'),
    'utf8'
  )
  const pinned = workflow.match(/actions\/download-artifact@[0-9a-f]{40}/g)
  return [...new Set(pinned)]
}

function spawnAct(
  args: string[],
  sandbox: ActSandbox,
  extraEnv: Readonly<Record<string, string>>
): Promise<ActResult> {
  const started = Date.now()
  // Only these variables reach act and the steps. node_modules/.bin comes
  // first, so node24 actions run on the Node 24 that runners use.
  const env = {
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    HOME: sandbox.home,
    XDG_CACHE_HOME: path.join(sandbox.home, '.cache'),
    XDG_CONFIG_HOME: path.join(sandbox.home, '.config'),
    // act has no Docker engine to talk to in host mode.
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    ...extraEnv
  }
  return new Promise((resolve, reject) => {
    const child = spawn(ACT, args, {
      cwd: sandbox.repository,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const output: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`act did not exit in ${ACT_TIMEOUT_MS} ms`))
    }, ACT_TIMEOUT_MS)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', code => {
      clearTimeout(timer)
      resolve({
        exitCode: code ?? 1,
        output: Buffer.concat(output).toString('utf8'),
        durationMs: Date.now() - started
      })
    })
  })
}

function dotenv(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
    .join('')
}

function git(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', code => {
      if (code === 0) resolve()
      else reject(new Error(`git ${args.join(' ')} exited with ${code}`))
    })
  })
}

/**
 * Listens on 127.0.0.1:`port` and forwards every connection to `target`,
 * so a URL that was down becomes a working tracking server.
 */
export async function forwardPort(
  port: number,
  target: URL
): Promise<{ close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer(client => {
    const upstream = connect(Number(target.port), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => {
        sockets.delete(socket)
      })
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return {
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          resolve()
        })
      })
  }
}
