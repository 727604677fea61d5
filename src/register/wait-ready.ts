import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { getModelVersion } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'

const FIRST_POLL_MS = 1000
const MAX_POLL_MS = 10_000

/**
 * Waits until a version is `READY`. Open-source MLflow creates versions
 * READY at once; other registries (Unity Catalog) may report
 * `PENDING_REGISTRATION` first, so the version is polled with backoff.
 */
export async function waitUntilReady(
  http: HttpClient,
  version: ModelVersion,
  timeoutMs: number,
  log: Logger
): Promise<ModelVersion> {
  const { sleep, now } = http.options.retry
  const started = now()
  let current = version
  let delay = FIRST_POLL_MS
  while (current.status === 'PENDING_REGISTRATION') {
    const elapsed = now() - started
    if (elapsed + delay > timeoutMs) throw pendingTimeout(current, elapsed)
    log.info(
      `Version ${current.version} is PENDING_REGISTRATION after ` +
        `${Math.round(elapsed / 1000)} s; checking again in ${delay / 1000} s`
    )
    await sleep(delay)
    delay = Math.min(delay * 2, MAX_POLL_MS)
    current = await getModelVersion(http, current.name, current.version)
  }
  if (current.status === 'FAILED_REGISTRATION') {
    throw new DiagnosedError(
      diagnose(
        'REGISTRATION_FAILED',
        `The registry marked version ${current.version} of ` +
          `'${current.name}' FAILED_REGISTRATION: ` +
          `${current.status_message ?? 'no status message'}.`,
        'Check that the source files are readable by the registry, then ' +
          'register again with `force-new-version: true`.'
      )
    )
  }
  return current
}

function pendingTimeout(
  version: ModelVersion,
  elapsedMs: number
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'TIMEOUT_PENDING',
      `Version ${version.version} of '${version.name}' was still ` +
        `${version.status ?? 'pending'} after ` +
        `${Math.round(elapsedMs / 1000)} s. ` +
        'No alias was moved.',
      'Raise `wait-timeout`, or check why the registry is slow to copy ' +
        'the model files.'
    )
  )
}
