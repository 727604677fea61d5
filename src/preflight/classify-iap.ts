import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { httpEvidence } from './evidence.js'

/** The IAM role that lets a principal through Identity-Aware Proxy. */
const IAP_ROLE = 'roles/iap.httpsResourceAccessor'
const IAP_WORDS = /\bIAP\b|identity-aware proxy/i
/** A Google service account, the principal of a CI job behind IAP. */
const SERVICE_ACCOUNT = /[\w.-]+@[\w-]+\.iam\.gserviceaccount\.com/
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/
const ROLE_NAME = /\broles\/[\w.]+/

/**
 * Classifies a 403 from Google's Identity-Aware Proxy: its own header,
 * its name in the body, or a Google service account in a body that is
 * not MLflow's. Returns undefined for any other 403.
 */
export function classifyIapForbidden(error: HttpError): Diagnosis | undefined {
  const { request, response } = error
  const text = `${response.pageTitle ?? ''} ${response.body}`
  const isIap =
    response.iapGenerated !== undefined ||
    IAP_WORDS.test(text) ||
    SERVICE_ACCOUNT.test(text)
  if (!isIap) return undefined

  const principal = SERVICE_ACCOUNT.exec(text)?.[0] ?? EMAIL.exec(text)?.[0]
  const role = ROLE_NAME.exec(text)?.[0] ?? IAP_ROLE
  const who = principal ?? 'the principal of the ID token'
  const kind =
    principal && SERVICE_ACCOUNT.test(principal) ? 'serviceAccount' : 'user'
  const member = principal ? `${kind}:${principal}` : 'serviceAccount:<email>'
  return diagnose(
    'FORBIDDEN_NON_MLFLOW',
    `Identity-Aware Proxy accepted the ID token but denied ` +
      `${request.operation} to ${who}: it lacks the IAP role ${role} on ` +
      'this resource. MLflow never saw the request.',
    `Grant ${who} the role ${role} (IAP-secured Web App User) on the ` +
      'backend service or the project, for example with `gcloud iap web ' +
      `add-iam-policy-binding --member=${member} --role=${role}\`.`,
    httpEvidence(error)
  )
}
