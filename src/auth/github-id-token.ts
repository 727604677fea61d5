import { readFileSync } from 'node:fs'

import { createDispatcher } from '../http/dispatcher.js'
import { readProxySettings } from '../http/proxy.js'
import { request } from '../http/undici.js'
import { z } from 'zod'

import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'

/** The claims of a GitHub ID token that the logs and diagnoses show. */
export interface IdTokenClaims {
  readonly iss: string
  readonly sub: string
  readonly aud: string
  /** The expiry, in seconds since the epoch. */
  readonly exp?: number
}

const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment'
])

/** The input that needs the job's ID token, and the setting that does. */
export interface IdTokenUse {
  /** The input named in the error, such as `auth-mode`. */
  readonly input: string
  /** The setting that needs the token, such as `auth-mode is github-oidc`. */
  readonly setting: string
  /** The fix for a pull request from a fork. */
  readonly forkFix: string
  /** The fix outside GitHub Actions. */
  readonly outsideFix: string
}

const OIDC_AUTH_USE: IdTokenUse = {
  input: 'auth-mode',
  setting: 'auth-mode is github-oidc',
  forkFix:
    'Register from a workflow that runs on the base repository (such as ' +
    'push to the default branch), or use another auth mode for forks.',
  outsideFix: 'Outside GitHub Actions, use another auth mode.'
}

/**
 * Checks, before any request, that the runner can issue an ID token. It
 * sets ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN only for jobs with the
 * `id-token: write` permission, and never for pull requests from forks.
 */
export function checkIdTokenAvailable(
  env: NodeJS.ProcessEnv,
  use: IdTokenUse = OIDC_AUTH_USE
): void {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    return
  }
  if (isForkPullRequest(env)) {
    throw configError(
      `input \`${use.input}\``,
      `${use.setting}, but this job runs for a pull request from a fork, ` +
        'and GitHub issues no ID token to those',
      use.forkFix
    )
  }
  throw configError(
    `input \`${use.input}\``,
    `${use.setting}, but the job cannot request an ID token ` +
      '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
      'are not set)',
    'Add `permissions: id-token: write` to the job (or the workflow). ' +
      use.outsideFix
  )
}

/** Checks whether the event is a pull request whose head is a fork. */
export function isForkPullRequest(env: NodeJS.ProcessEnv): boolean {
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '')) return false
  const payload = readEventPayload(env.GITHUB_EVENT_PATH)
  const head = payload?.pull_request?.head?.repo
  const base = payload?.pull_request?.base?.repo
  if (head?.fork === true) return true
  return head?.full_name !== undefined && head.full_name !== base?.full_name
}

interface PullRequestPayload {
  readonly pull_request?: {
    readonly head?: { readonly repo?: { fork?: boolean; full_name?: string } }
    readonly base?: { readonly repo?: { full_name?: string } }
  }
}

function readEventPayload(
  file: string | undefined
): PullRequestPayload | undefined {
  if (!file) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PullRequestPayload
  } catch {
    return undefined
  }
}

const idTokenResponse = z.object({ value: z.string().min(1) })

/** How long the runner may take to issue an ID token. */
const ID_TOKEN_TIMEOUT_MS = 30_000

/**
 * Requests the job's ID token from the runner, for an audience. The
 * request is the one `@actions/core` makes, sent here so that nothing is
 * written to standard output: the CLI prints its JSON there, and the
 * caller masks the token.
 */
export async function requestIdToken(audience?: string): Promise<string> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''
  try {
    if (!url || !bearer) throw new Error('the runner offers no ID token')
    const target = new URL(url)
    if (audience) target.searchParams.set('audience', audience)
    // The runner's proxy variables apply, as they do to `@actions/core`.
    const dispatcher = createDispatcher({
      connectTimeoutMs: ID_TOKEN_TIMEOUT_MS,
      proxy: readProxySettings(process.env)
    })
    try {
      const response = await request(target, {
        dispatcher,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${bearer}`
        },
        headersTimeout: ID_TOKEN_TIMEOUT_MS,
        bodyTimeout: ID_TOKEN_TIMEOUT_MS
      })
      const text = await response.body.text()
      if (response.statusCode !== 200) {
        throw new Error(`the runner returned HTTP ${response.statusCode}`)
      }
      return readIdToken(text)
    } finally {
      await dispatcher.close()
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new DiagnosedError(
      diagnose(
        'AUTH_REFRESH',
        `Requesting the GitHub ID token failed: ${message.trim()}`,
        'Check that the job has `permissions: id-token: write`, and retry ' +
          'the job if GitHub was unavailable.'
      ),
      { cause: error }
    )
  }
}

/** Reads the token from the runner's response, quoting none of it. */
function readIdToken(text: string): string {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const parsed = idTokenResponse.safeParse(body)
  if (!parsed.success)
    throw new Error("the runner's response contains no token")
  return parsed.data.value
}

/** Reads the claims of a JWT without verifying it, for logs. */
export function readClaims(jwt: string): IdTokenClaims {
  const payload = jwt.split('.')[1] ?? ''
  let claims: Record<string, unknown> = {}
  try {
    claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8')
    ) as Record<string, unknown>
  } catch {
    // An unreadable token is shown as empty claims; the relying party
    // rejects it with its own error.
  }
  return {
    iss: claimText(claims.iss),
    sub: claimText(claims.sub),
    aud: claimText(claims.aud),
    ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {})
  }
}

function claimText(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(claimText).join(' ')
  return ''
}
