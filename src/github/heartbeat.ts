import type { Logger } from '../host/host.js'

/** Seconds between "still running" lines of a long transfer. */
const HEARTBEAT_SECONDS = 30

/**
 * Runs a long operation and logs a line every 30 seconds until it
 * settles, so a slow upload or download shows that it is progressing.
 */
export async function withHeartbeat<T>(
  label: string,
  log: Logger,
  operation: () => Promise<T>
): Promise<T> {
  const started = Date.now()
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000)
    log.info(`${label}: still running after ${seconds} s`)
  }, HEARTBEAT_SECONDS * 1000)
  try {
    return await operation()
  } finally {
    clearInterval(timer)
  }
}
