import * as oauth from 'oauth4webapi'

import {
  DiagnosedError,
  diagnose,
  type Evidence
} from '../diagnosis/diagnosis.js'
import { errorCode } from '../http/transport.js'
import { describeUrl } from '../http/url.js'

/** The request that failed, for the diagnosis. */
export interface TokenRequestFacts {
  readonly endpoint: URL
  readonly clientId: string
  readonly timeoutMs: number
  /** Whether the request read the issuer's metadata. */
  readonly discovery?: boolean
}

/** Fixes for each OAuth error code (RFC 6749, 5.2; RFC 8707). */
const FIXES: Readonly<Record<string, string>> = {
  invalid_client:
    'Check `client-id` and `client-secret`, and set `client-auth` to the ' +
    'method the client is registered for: basic (HTTP Basic header) or ' +
    'post (form body).',
  invalid_scope:
    'Check `scope`: request only scopes this client is allowed to have.',
  invalid_target:
    'Check `resource`: the provider does not know it, or this client may ' +
    'not request tokens for it.',
  unauthorized_client:
    'Allow the client credentials grant for this client at the provider.',
  unsupported_grant_type:
    'Enable the client credentials grant at the provider.',
  invalid_request:
    'Check `scope`, `audience` and `resource` against what the provider ' +
    'accepts.'
}

const DEFAULT_FIX =
  "Check the client's registration at the provider, and `token-endpoint` " +
  'or `oauth-issuer`.'

const NETWORK_FIX =
  'Check that `token-endpoint` or `oauth-issuer` names the provider, and ' +
  'that the provider is reachable from the runner.'

const NOT_OAUTH_FIX =
  'Check that `token-endpoint` is the token endpoint itself (or ' +
  '`oauth-issuer` the issuer), not a login page or another API; a 5xx ' +
  'status means the provider failed.'

/**
 * Turns a failed token or metadata request into an AUTH_REFRESH
 * diagnosis that names the endpoint's host and the OAuth error code.
 * Error descriptions are quoted, because providers put the reason there.
 */
export function tokenRequestError(
  error: unknown,
  facts: TokenRequestFacts
): DiagnosedError {
  if (error instanceof DiagnosedError) return error
  const failure = describeFailure(error, facts)
  const action = facts.discovery
    ? `Reading the OAuth issuer metadata from ${facts.endpoint.host}`
    : `The token request for client '${facts.clientId}' to ` +
      facts.endpoint.host
  const code = failure.oauthError ? ` with ${failure.oauthError}` : ''
  const evidence: Evidence = {
    request:
      `${facts.discovery ? 'GET' : 'POST'} ` + describeUrl(facts.endpoint),
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.oauthError ? { oauthError: failure.oauthError } : {}),
    ...(failure.networkError ? { networkError: failure.networkError } : {})
  }
  return new DiagnosedError(
    diagnose(
      'AUTH_REFRESH',
      `${action} failed${code}: ${failure.reason}.`,
      chooseFix(failure),
      evidence
    ),
    { cause: error }
  )
}

/** Refuses a token the transport cannot send as a Bearer token. */
export function unusableTokenError(
  endpoint: URL,
  clientId: string,
  tokenType: string
): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'AUTH_REFRESH',
      `${endpoint.host} issued a token of type '${tokenType}' for client ` +
        `'${clientId}', but only Bearer tokens are supported.`,
      'Configure the client at the provider to issue Bearer access tokens ' +
        '(no DPoP binding).',
      { request: `POST ${describeUrl(endpoint)}` }
    )
  )
}

interface FailureFacts {
  readonly reason: string
  readonly status?: number
  readonly oauthError?: string
  readonly networkError?: string
  /** Whether the response came from something other than an OAuth endpoint. */
  readonly notOAuth?: boolean
}

function chooseFix(failure: FailureFacts): string {
  const known = failure.oauthError ? FIXES[failure.oauthError] : undefined
  if (known) return known
  if (failure.networkError) return NETWORK_FIX
  if (failure.notOAuth) return NOT_OAUTH_FIX
  return DEFAULT_FIX
}

function describeFailure(
  error: unknown,
  facts: TokenRequestFacts
): FailureFacts {
  if (error instanceof oauth.ResponseBodyError) {
    return {
      reason: withDescription(`HTTP ${error.status}`, error.error_description),
      status: error.status,
      oauthError: error.error
    }
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const parameters = error.cause[0]?.parameters
    return {
      reason: withDescription(
        `HTTP ${error.status}`,
        parameters?.error_description
      ),
      status: error.status,
      ...(parameters?.error ? { oauthError: parameters.error } : {})
    }
  }
  // Names, not instanceof: fetch may raise these from another realm.
  const name = (error as { name?: unknown } | undefined)?.name
  if (name === 'TimeoutError') {
    return {
      reason: `no answer within ${facts.timeoutMs / 1000} s`,
      networkError: 'timeout'
    }
  }
  if (name === 'TypeError') {
    const code = errorCode(error)
    return { reason: `the request failed (${code})`, networkError: code }
  }
  return describeUnusableResponse(error)
}

/**
 * Describes a response that oauth4webapi rejected as not conforming,
 * with its status and content type when the error carries the response.
 */
function describeUnusableResponse(error: unknown): FailureFacts {
  const cause = (error as { cause?: unknown } | undefined)?.cause
  const status = (cause as { status?: unknown } | undefined)?.status
  if (
    typeof cause === 'object' &&
    cause !== null &&
    typeof status === 'number'
  ) {
    const headers = (cause as { headers?: { get?: unknown } }).headers
    const type =
      typeof headers?.get === 'function'
        ? String(headers.get.call(headers, 'content-type') ?? 'no type')
        : 'unknown type'
    return {
      reason: `the answer was HTTP ${status} (${type}), not a token response`,
      status,
      notOAuth: true
    }
  }
  const message = (error as { message?: unknown } | undefined)?.message
  return {
    reason: `the response was not usable: ${String(message)}`,
    notOAuth: true
  }
}

function withDescription(text: string, description?: string): string {
  return description ? `${text}, "${description}"` : text
}
