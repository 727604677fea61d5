import { startFakeServer } from '../fake-server/index.js'
import type { CliArgs } from './args.js'
import type { CliStreams } from './main.js'

/** Returns a promise that resolves, with the reason, to stop the server. */
export type StopTrigger = () => Promise<string>

/** Resolves with the name of the first SIGINT or SIGTERM this process gets. */
function waitForSignal(): Promise<string> {
  return new Promise(resolve => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/**
 * Runs the project's fake MLflow server on 127.0.0.1 until `untilStopped`
 * resolves, which by default is on SIGINT or SIGTERM. Stdout gets one
 * JSON line with the tracking URI, the port and the process id, so a
 * script can point the CLI at it and stop it by PID later. The fake keeps
 * everything in memory and has no auth, so stopping it discards all it
 * stored. Returns 0 after a clean stop, 1 when it cannot listen.
 */
export async function runFakeServer(
  args: CliArgs,
  streams: CliStreams,
  untilStopped: StopTrigger = waitForSignal
): Promise<number> {
  const port = args.port ?? 0
  let server
  try {
    server = await startFakeServer({ port })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    streams.stderr(
      `error: Cannot listen on 127.0.0.1:${port} (${String(code)}). ` +
        'Choose another --port, or leave it out to use a free port.\n'
    )
    return 1
  }

  const stopped = untilStopped()
  const address = { url: server.url, port: server.port, pid: process.pid }
  streams.stdout(`${JSON.stringify(address)}\n`)
  streams.stderr(
    `Fake MLflow server listening at ${server.url}. It keeps models in ` +
      `memory only. Stop it with Ctrl+C or kill ${process.pid}.\n`
  )
  const signal = await stopped
  await server.close()
  streams.stderr(`Fake MLflow server stopped (${signal})\n`)
  return 0
}
