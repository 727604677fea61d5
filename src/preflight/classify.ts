import {
  DiagnosedError,
  diagnose,
  type Diagnosis
} from '../diagnosis/diagnosis.js'
import { ConnectionError, HttpError } from '../http/errors.js'
import { classifyConnectionError } from './classify-connection.js'
import { classifyHttpError } from './classify-http.js'

/**
 * Turns any failure into one diagnosis: what went wrong, who answered,
 * the evidence and the fix.
 */
export function classifyFailure(error: unknown): Diagnosis {
  if (error instanceof DiagnosedError) return error.diagnosis
  if (error instanceof HttpError) return classifyHttpError(error)
  if (error instanceof ConnectionError) return classifyConnectionError(error)
  const message = error instanceof Error ? error.message : String(error)
  return diagnose(
    'MLFLOW_ERROR',
    `An unexpected error stopped the action: ${message}`,
    'Run again with step debug logging on (ACTIONS_STEP_DEBUG) and report ' +
      'the log if it persists.'
  )
}

/** Wraps a failure in a {@link DiagnosedError}, keeping the cause. */
export function toDiagnosedError(error: unknown): DiagnosedError {
  if (error instanceof DiagnosedError) return error
  return new DiagnosedError(classifyFailure(error), { cause: error })
}
