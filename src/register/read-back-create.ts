import type { Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import { ConnectionError, HttpError, isRequestError } from '../http/errors.js'
import { isTransient, retryDelay } from '../http/retry.js'
import type { HttpClient } from '../http/transport.js'
import { nodeCrypto } from '../node-crypto.js'

/**
 * The tag that contains a random id of one create request. After a lost
 * response it finds what that create committed, and only that.
 */
export const CREATE_REQUEST_TAG = 'mlflow_register.create_request'

/** Returns a {@link CREATE_REQUEST_TAG} with a new random id. */
export function newCreateRequestTag(): Tag {
  return { key: CREATE_REQUEST_TAG, value: nodeCrypto().randomUUID() }
}

/**
 * A create request whose response may be lost, and how to find its result.
 * Both steps send their requests through the client they are given, whose
 * retries end with the create's time budget.
 */
export interface ReadBackCreate<T> {
  readonly create: (http: HttpClient) => Promise<T>
  /** Looks for what an earlier attempt may have committed. */
  readonly readBack: (http: HttpClient) => Promise<T | undefined>
}

/**
 * Sends a create request, and after a transient failure reads back what
 * it may have committed before sending it again, within the client's
 * retry policy. The policy's `budgetMs` covers the whole exchange: the
 * waits between creates and the retries of every request the steps send.
 */
export async function createWithReadBack<T>(
  http: HttpClient,
  log: Logger,
  operation: string,
  steps: ReadBackCreate<T>
): Promise<T> {
  const policy = http.options.retry
  const started = policy.now()
  const bounded = http.withRetryDeadline(started + policy.budgetMs)
  for (let attempt = 1; ; attempt++) {
    try {
      return await steps.create(bounded)
    } catch (error) {
      if (!isRequestError(error) || !isTransient(error)) throw error
      // The last attempt is read back too, because it may have committed.
      const found = await steps.readBack(bounded)
      if (found !== undefined) {
        log.warning(
          `The server reported ${describe(error)} for ${operation}, but it ` +
            'had committed; continuing with the committed result.',
          { title: 'Create committed despite an error' }
        )
        return found
      }
      if (attempt >= policy.maxAttempts) throw error
      const delay = retryDelay(policy, attempt, error)
      if (policy.now() - started + delay > policy.budgetMs) throw error
      log.info(
        `${operation} did not commit (${describe(error)}); sending it ` +
          `again (attempt ${attempt + 1} of ${policy.maxAttempts}) in ` +
          `${(delay / 1000).toFixed(1)} s`
      )
      await policy.sleep(delay)
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof HttpError) return `HTTP ${error.response.status}`
  return error instanceof ConnectionError ? error.code : 'an error'
}
