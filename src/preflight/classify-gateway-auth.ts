import { describeCredential } from '../auth/provider.js'
import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { httpEvidence } from './evidence.js'
import {
  describeErrorResponder,
  identifyErrorResponder,
  isMlflowResponder
} from './responder.js'

/**
 * The realm of MLflow's basic-auth app. In MLflow 3.17.2, every 401
 * response of that app carries the fixed challenge `Basic realm="mlflow"`
 * (`make_basic_auth_response` in `mlflow/server/auth/__init__.py`).
 */
const MLFLOW_REALM = 'mlflow'

const BOTH_CREDENTIALS =
  ' If MLflow needs credentials of its own too, one Authorization ' +
  'header cannot carry both. Then have the proxy accept a service token ' +
  'in another header, sent with `extra-headers`, or let the API paths ' +
  'through to MLflow.'

/** The proxy's user list, as the fixes name it. */
const PROXY_USERS =
  "the proxy's users (for nginx `auth_basic`, its `auth_basic_user_file`)"

/**
 * Reads the realm of a Basic challenge: `undefined` when the challenge
 * is not Basic, and an empty string when it names no realm.
 */
export function readBasicRealm(challenge: string): string | undefined {
  if (!/^basic\b/i.test(challenge)) return undefined
  const match = /\brealm=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/i.exec(challenge)
  const realm = match?.[1]?.replace(/\\(.)/g, '$1') ?? match?.[2]
  return realm ?? ''
}

/**
 * Classifies a 401 that a proxy or gateway in front of MLflow sent for
 * its own credentials, or returns undefined. That is a Basic challenge
 * with a realm other than MLflow's, or Basic credentials rejected by a
 * responder that is not MLflow. Other 401s from a layer in front of
 * MLflow are worded by `classifyUnauthorized`.
 */
export function classifyGatewayUnauthorized(
  error: HttpError
): Diagnosis | undefined {
  const challenge = error.response.wwwAuthenticate ?? ''
  const realm = readBasicRealm(challenge)
  if (realm !== undefined) {
    if (realm.toLowerCase() === MLFLOW_REALM) return undefined
    return gatewayBasicChallenge(error, realm)
  }
  const responder = identifyErrorResponder(error)
  if (
    error.request.credential.kind === 'basic' &&
    !isMlflowResponder(responder)
  ) {
    return gatewayRejectedBasic(error, error.request.credential.username)
  }
  return undefined
}

/** Diagnoses a Basic challenge whose realm is not MLflow's. */
function gatewayBasicChallenge(error: HttpError, realm: string): Diagnosis {
  const { request, response } = error
  const credential = request.credential
  const realmText = realm
    ? `, and its realm "${realm}" is not the realm "${MLFLOW_REALM}"`
    : `, without the realm "${MLFLOW_REALM}"`
  const intro =
    'A proxy or gateway in front of MLflow asked for its own Basic ' +
    `credentials for ${request.operation}. ` +
    `The 401 response was ${describeErrorResponder(error)}, with ` +
    `WWW-Authenticate: ${response.wwwAuthenticate ?? ''}${realmText} ` +
    "that MLflow's basic-auth app uses."

  if (credential.kind === 'none') {
    return diagnose(
      'AUTH_MISSING',
      `${intro} The action sent no credentials.`,
      'Set `username` and `password` to a user and password from ' +
        `${PROXY_USERS}.${BOTH_CREDENTIALS}`,
      httpEvidence(error)
    )
  }
  if (credential.kind === 'basic') {
    return diagnose(
      'AUTH_REJECTED',
      `${intro} The proxy rejected the Basic credentials for user ` +
        `'${credential.username}', so MLflow did not check them.`,
      `Check \`username\` and \`password\` against ${PROXY_USERS}, not ` +
        `against MLflow's users.${BOTH_CREDENTIALS}`,
      httpEvidence(error)
    )
  }
  return diagnose(
    'AUTH_REJECTED',
    `${intro} The action sent ${describeCredential(credential)}, which ` +
      'the proxy does not take, so MLflow did not see the request.',
    'The proxy takes a user and password, not this credential. If MLflow ' +
      'behind it needs no credentials, set `auth-mode: basic` with the ' +
      `\`username\` and \`password\` of a user from ${PROXY_USERS}.` +
      BOTH_CREDENTIALS,
    httpEvidence(error)
  )
}

/**
 * Diagnoses Basic credentials rejected by a responder that is not
 * MLflow and that did not send a Basic challenge. An auth plugin inside
 * MLflow can respond like that too, so the detail hedges with "most likely".
 */
function gatewayRejectedBasic(error: HttpError, username: string): Diagnosis {
  const { request, response } = error
  const challenge = response.wwwAuthenticate
    ? `, with WWW-Authenticate: ${response.wwwAuthenticate}`
    : ', without a WWW-Authenticate challenge'
  return diagnose(
    'AUTH_REJECTED',
    `The 401 response to the Basic credentials for user '${username}' ` +
      `on ${request.operation} was ${describeErrorResponder(error)}` +
      `${challenge}. That is not one of MLflow's responses, so most ` +
      'likely a proxy, gateway or auth plugin in front of MLflow rejected ' +
      "the credentials, not MLflow's basic-auth app.",
    'Find out which credentials that layer accepts, and send them. A ' +
      'service token in a header of its own goes in `extra-headers`. If ' +
      'the layer should accept these credentials, check its user list.',
    httpEvidence(error)
  )
}
