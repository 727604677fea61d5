/**
 * Starts moto's S3 and STS server (from .venv-uc, installed by
 * scripts/uc-storage/setup-venv.sh) on loopback with IAM enforced, and
 * prepares a bucket, a user and a role's temporary credentials in it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')
const VENV = path.join(ROOT, '.venv-uc', 'bin')
const BOOTSTRAP = path.join(import.meta.dirname, 'uc', 'bootstrap-moto.py')
// The bootstrap's unauthenticated requests: the bucket, the user, its
// policy and access key, the role and its policy. Every later request
// must be signed with valid credentials.
const UNAUTHENTICATED_REQUESTS = 6

/** AWS credentials as the AWS SDKs name them. */
export interface MotoCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** A running moto server and what the bootstrap prepared in it. */
export interface MotoServer {
  readonly url: string
  readonly bucket: string
  /** The long-term keys of the IAM user, for the stand-in's own reads. */
  readonly user: MotoCredentials
  /** A role's credentials from STS AssumeRole, handed out for uploads. */
  readonly temporary: MotoCredentials & { readonly expiration: string }
  stop(): Promise<void>
}

/** Starts moto and prepares it; fails when .venv-uc is missing. */
export async function startMoto(bucket = 'uc-models'): Promise<MotoServer> {
  const binary = path.join(VENV, 'moto_server')
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run scripts/uc-storage/setup-venv.sh to install ` +
        "moto's server for the Unity Catalog tests."
    )
  }
  const port = await freePort()
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...process.env,
      INITIAL_NO_AUTH_ACTION_COUNT: String(UNAUTHENTICATED_REQUESTS)
    },
    stdio: 'ignore'
  })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForPort(port, child, 'moto_server')
    const prepared = bootstrap(url, bucket)
    return { url, bucket, ...prepared, stop: () => stopChild(child) }
  } catch (error) {
    await stopChild(child)
    throw error
  }
}

function bootstrap(
  url: string,
  bucket: string
): Pick<MotoServer, 'user' | 'temporary'> {
  const result = spawnSync(
    path.join(VENV, 'python'),
    [BOOTSTRAP, url, bucket],
    {
      encoding: 'utf8',
      timeout: 60_000
    }
  )
  if (result.status !== 0) {
    throw new Error(`moto bootstrap failed: ${result.stderr}`)
  }
  return JSON.parse(result.stdout) as Pick<MotoServer, 'user' | 'temporary'>
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (address === null || typeof address === 'string') {
    throw new Error('no free port on 127.0.0.1')
  }
  return address.port
}

/** Waits until a child process listens on a port of 127.0.0.1. */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  label: string
): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`${label} exited with code ${child.exitCode}`)
    }
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => {
        resolve(false)
      })
    })
    if (open) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`${label} did not listen on port ${port}`)
}

/** Stops a child process with SIGTERM and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}
