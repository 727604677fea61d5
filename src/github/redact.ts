/** Credentials in URLs: `scheme://user:password@host`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi

/**
 * Tokens in an `Authorization`-style value. A challenge such as
 * `Basic realm="mlflow"` is kept, because it contains no credential. A
 * word of lowercase letters only is kept too, as in "the Basic
 * credentials for user 'ci-bot'", because a configured token is removed
 * as a known secret anyway.
 */
const SCHEME_TOKEN =
  /\b(Bearer|Basic|Token)\s+(?!realm=)(?![a-z]+(?![\w.~+/=-]))[\w.~+/=-]{8,}/g

/** Query parameters that commonly carry a credential or a signature. */
const SECRET_PARAMETERS = [
  'access_token',
  'id_token',
  'token',
  'code',
  'key',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token'
]
const SECRET_QUERY = new RegExp(
  String.raw`([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&\s#)]+`,
  'gi'
)

const REDACTED = '***'

/**
 * Removes credentials from text meant for people outside the job: every
 * known secret, credentials in URLs, bearer and basic tokens, and
 * credential query parameters. Longer secrets go first, so a secret that
 * contains another is removed whole.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let redacted = text
  const known = [...new Set(secrets)]
    .filter(secret => secret.length >= 4)
    .sort((a, b) => b.length - a.length)
  for (const secret of known) {
    for (const form of [secret, encodeURIComponent(secret)]) {
      redacted = redacted.split(form).join(REDACTED)
    }
  }
  return redacted
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`)
    .replace(SECRET_QUERY, `$1${REDACTED}`)
}
