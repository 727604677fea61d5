import { describeCredential } from '../auth/provider.js'
import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { classifyIapForbidden } from './classify-iap.js'
import { classifyProxyForbidden } from './classify-proxy.js'
import { classifyGatewayUnauthorized } from './classify-gateway-auth.js'
import { httpEvidence } from './evidence.js'
import {
  claimedResponder,
  describeErrorResponder,
  describeErrorResponderAtStart,
  describeResponder,
  foreignHeaders,
  formatResponderHeaders,
  identifyErrorResponder,
  isMlflowResponder,
  proxyHeaders
} from './responder.js'

/**
 * Classifies a 401: missing, wrong or wrong-kind credentials, for MLflow
 * or for a proxy or gateway in front of it.
 */
export function classifyUnauthorized(error: HttpError): Diagnosis {
  const gateway = classifyGatewayUnauthorized(error)
  if (gateway) return gateway

  const { request, response } = error
  const evidence = httpEvidence(error)
  const responder = identifyErrorResponder(error)
  const who = describeErrorResponderAtStart(error)
  const challenge = response.wwwAuthenticate ?? ''
  const credential = request.credential
  const wantsBasic = /^basic\b/i.test(challenge)

  if (credential.kind === 'none') {
    return diagnose(
      'AUTH_MISSING',
      `${who} requires authentication for ${request.operation}, and the ` +
        `action sent no credentials${challengeText(challenge)}.`,
      wantsBasic
        ? 'Set `username` and `password` (or MLFLOW_TRACKING_USERNAME and ' +
            'MLFLOW_TRACKING_PASSWORD).'
        : 'Set `token` (or MLFLOW_TRACKING_TOKEN), or the credentials ' +
            'this server expects.',
      evidence
    )
  }
  if (
    (credential.kind === 'token' || credential.kind === 'oauth') &&
    wantsBasic
  ) {
    return diagnose(
      'AUTH_REJECTED',
      `${who} asked for Basic credentials${challengeText(challenge)}, ` +
        `but the action sent ${describeCredential(credential)}. MLflow's ` +
        'basic-auth app accepts only a username and password.',
      'Use `auth-mode: basic` with `username` and `password`.',
      evidence
    )
  }
  if (credential.kind === 'basic') {
    return diagnose(
      'AUTH_REJECTED',
      `${who} rejected the Basic credentials for user ` +
        `'${credential.username}': the user does not exist or the ` +
        'password is wrong.',
      `Check the password of '${credential.username}', and that the user ` +
        'exists on this server. An admin can reset it.',
      evidence
    )
  }
  const invalidToken = /error="?invalid_token/i.test(challenge)
  return diagnose(
    'AUTH_REJECTED',
    `${who} rejected ${describeCredential(credential)}` +
      (invalidToken ? ' as invalid or expired' : '') +
      `${challengeText(challenge)}.`,
    isMlflowResponder(responder)
      ? 'Check that the token is current and issued for this server.'
      : 'The layer in front of MLflow did not accept the token: check ' +
          'its audience and that this layer is set up to accept it.',
    evidence
  )
}

/** Classifies a 403 by who sent it: MLflow's permission check or not. */
export function classifyForbidden(error: HttpError): Diagnosis {
  const { request } = error
  const evidence = httpEvidence(error)
  const responder = identifyErrorResponder(error)

  if (responder === 'mlflow-host-check') return hostCheckRejected(error)
  if (responder === 'mlflow-cors') {
    return diagnose(
      'SERVER_CONFIG',
      "MLflow's cross-origin check rejected the request because an " +
        'Origin header reached it; the action sends none, so a proxy ' +
        'added it.',
      'Stop the proxy from adding an Origin header, or add the origin to ' +
        "the server's --cors-allowed-origins.",
      evidence
    )
  }
  // A 403 in MLflow's nested shape is a permission denial whatever its
  // code, because MLflow 3.17.2 maps only PERMISSION_DENIED to HTTP 403.
  if (
    responder === 'mlflow-auth' ||
    responder === 'mlflow-auth-plugin' ||
    responder === 'mlflow-nested' ||
    (responder === 'mlflow' && error.errorCode === 'PERMISSION_DENIED')
  ) {
    return permissionDenied(error)
  }
  const proxyBlock = classifyProxyForbidden(error)
  if (proxyBlock) return proxyBlock
  const iap = classifyIapForbidden(error)
  if (iap) return iap
  if (responder === 'conflicting') return conflictingForbidden(error)
  return diagnose(
    'FORBIDDEN_NON_MLFLOW',
    `A 403 for ${request.operation} came from ` +
      `${describeErrorResponder(error)}, not from MLflow, so it ` +
      'is not an MLflow permission problem.',
    'Find the proxy, gateway or firewall in front of MLflow and check its ' +
      'rules for this path, method and credential.',
    evidence
  )
}

/**
 * Diagnoses a rejection by MLflow's host-header check. A proxy in front
 * of MLflow may rewrite Host (nginx sends the host of `proxy_pass`
 * unless `proxy_set_header Host` sets another value), so the Host the action
 * sent is the one to allow only when no proxy header shows.
 */
function hostCheckRejected(error: HttpError): Diagnosis {
  const { request, response } = error
  const allowedHosts =
    "the server's --allowed-hosts (or MLFLOW_SERVER_ALLOWED_HOSTS), " +
    'including the port if there is one'
  const proxy = proxyHeaders(response)
  if (proxy.length === 0) {
    return diagnose(
      'SERVER_CONFIG',
      "MLflow's host-header check rejected the Host header " +
        `'${request.host}'. The credentials are not at fault.`,
      `Add '${request.host}' to ${allowedHosts}.`,
      httpEvidence(error)
    )
  }
  return diagnose(
    'SERVER_CONFIG',
    "MLflow's host-header check rejected the Host header it received. " +
      `The action sent '${request.host}', but the response came through ` +
      `a proxy (${proxy.join(', ')}), and a proxy in front of MLflow may ` +
      'rewrite Host. The credentials are not at fault.',
    `Add the Host value that the proxy forwards to ${allowedHosts}. For ` +
      'nginx, that is its `proxy_set_header Host`, or the host and port ' +
      `of \`proxy_pass\` when it sets none. It is '${request.host}' only ` +
      'if the proxy passes Host through unchanged.',
    httpEvidence(error)
  )
}

function permissionDenied(error: HttpError): Diagnosis {
  const { request } = error
  const target = request.resource ? ` on ${request.resource}` : ''
  if (request.credential.kind === 'none') {
    return diagnose(
      'FORBIDDEN_PERMISSION',
      `MLflow denied permission to ${request.operation}${target} to a ` +
        'request without credentials.',
      'Set the credentials of a user that has the permission this needs ' +
        '(`username` and `password`, or a token): EDIT on the registered ' +
        'model to create versions and set tags and aliases, EDIT on the ' +
        'experiment to create runs and upload artifacts.',
      httpEvidence(error)
    )
  }
  const user = describeUser(request)
  return diagnose(
    'FORBIDDEN_PERMISSION',
    `MLflow authenticated ${user} but denied permission to ` +
      `${request.operation}${target}.`,
    `An admin or the owner must grant ${user} the permission this needs: ` +
      'EDIT on the registered model to create versions and set tags and ' +
      'aliases, EDIT on the experiment to create runs and upload artifacts.',
    httpEvidence(error)
  )
}

/**
 * Classifies a 403 in one of MLflow's shapes that carries a `Server` or
 * `Via` header the earlier MLflow responses lacked. A proxy that stamps
 * every response would have stamped those too, so a proxy or gateway
 * that MLflow's responses do not pass through most likely sent it.
 */
function conflictingForbidden(error: HttpError): Diagnosis {
  const { request, response } = error
  const earlier = error.request.earlierMlflowHeaders ?? {}
  const claimed = describeResponder(claimedResponder(response), response)
  const foreign = foreignHeaders(response, earlier).join(', ')
  return diagnose(
    'FORBIDDEN_NON_MLFLOW',
    `The 403 for ${request.operation} reads like ${claimed}, but it ` +
      `carries ${foreign}, which the last MLflow JSON response of this ` +
      `server did not (${formatResponderHeaders(earlier)}). A proxy or ` +
      'gateway in front of MLflow most likely sent it, so it is not ' +
      'reported as an MLflow permission problem.',
    `Check the rules of the proxy or gateway that sends ${foreign} for ` +
      "this path, method and credential. If it only passed on MLflow's " +
      (request.credential.kind === 'none'
        ? 'refusal, set the credentials of a user (`username` and ' +
          '`password`, or a token) with EDIT on the registered model and ' +
          'the experiment.'
        : `refusal, grant ${describeUser(request)} EDIT on the registered ` +
          'model and the experiment.'),
    httpEvidence(error)
  )
}

function describeUser(request: HttpError['request']): string {
  return request.credential.kind === 'basic'
    ? `user '${request.credential.username}'`
    : describeCredential(request.credential)
}

function challengeText(challenge: string): string {
  return challenge ? ` (WWW-Authenticate: ${challenge})` : ''
}
