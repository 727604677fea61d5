import type { Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { classifyAwsError } from './classify-aws.js'
import { classifyHokusaiError } from './classify-hokusai.js'

/**
 * Classifies the errors of a managed MLflow platform, whose gateways send
 * their own error shapes. Returns undefined when no platform's shape fits.
 */
export function classifyPlatformError(error: HttpError): Diagnosis | undefined {
  return classifyAwsError(error) ?? classifyHokusaiError(error)
}
