/**
 * Starts real nginx (Debian's package) on a free loopback port with a
 * configuration a test writes, for proxy scenarios: path prefixes, login
 * pages, redirects, body limits and TLS. Each instance runs in the
 * foreground as one process in its own temporary directory and is
 * stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** A running nginx. */
export interface Nginx {
  readonly port: number
  /** `http://127.0.0.1:<port>` or `https://...` when TLS is on. */
  readonly url: string
  readonly dir: string
  stop(): Promise<void>
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (address === null || typeof address === 'string') {
    throw new Error('could not read the port of a loopback listener')
  }
  return address.port
}

/**
 * Starts nginx with the `server` block text that `serverBlock` returns for
 * the chosen port. The block must `listen 127.0.0.1:<port>`.
 */
export async function startNginx(
  serverBlock: (port: number) => string,
  options: { readonly tls?: boolean } = {}
): Promise<Nginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nginx-'))
  const port = await freePort()
  const config = path.join(dir, 'nginx.conf')
  writeFileSync(config, renderConfig(dir, serverBlock(port)))
  const errorLog = path.join(dir, 'error.log')
  const child = spawn('nginx', ['-p', dir, '-c', config, '-e', errorLog], {
    stdio: 'ignore'
  })
  await waitForPort(port, child, errorLog)
  const scheme = options.tls ? 'https' : 'http'
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    dir,
    stop: () => stopProcess(child)
  }
}

function renderConfig(dir: string, serverBlock: string): string {
  // As root (also root mapped in a user namespace), nginx would switch
  // its workers to `nobody`, which a user namespace cannot map.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : ''
  return `${user}daemon off;
master_process off;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${serverBlock}
}
`
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  errorLog: string
): Promise<void> {
  let exitCode: number | null | undefined
  child.on('exit', code => (exitCode = code))
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exitCode !== undefined) {
      throw new Error(`nginx exited with ${exitCode}: ${readLog(errorLog)}`)
    }
    if (await accepts(port)) return
    await sleep(50)
  }
  await stopProcess(child)
  throw new Error(`nginx did not listen on ${port}: ${readLog(errorLog)}`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => {
      resolve(false)
    })
  })
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n')
  } catch {
    return '(no error log)'
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<boolean>(resolve =>
    child.once('exit', () => {
      resolve(true)
    })
  )
  child.kill('SIGTERM')
  const stopped = await Promise.race([exited, sleep(3000, false)])
  if (!stopped) {
    child.kill('SIGKILL')
    await exited
  }
}
