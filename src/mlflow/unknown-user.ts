import { HttpError } from '../http/errors.js'

/**
 * The auth store's message when a credential authenticated as a user the
 * store has no record of. MLflow 3.17.2's basic-auth app returns it as a
 * 404 `RESOURCE_DOES_NOT_EXIST` on every call, once a custom
 * `authorization_function` maps a token to an unprovisioned username.
 */
const MLFLOW_UNKNOWN_USER = /User with username=(.+?) not found/
/**
 * Wordings of auth plugins that provision users only at browser login:
 * "user ... not found" at the start of the message or of a clause after
 * a colon, or "unknown user" and "no user found" anywhere. The word must
 * stand alone, so that a model named `user-model` that is not found
 * never matches.
 */
const PLUGIN_UNKNOWN_USER = new RegExp(
  String.raw`(?:^|[:;]\s*)(?:the )?(?:user|principal|identity|subject)` +
    String.raw`(?![\w-])[^.]{0,80}\b(?:not found|not provisioned|` +
    String.raw`does not exist|is not registered|has no record)\b|` +
    String.raw`\b(?:unknown|no such) (?:user|principal)(?![\w-])|` +
    String.raw`\bno user (?:found|exists|record)\b`,
  'i'
)
/** The name a plugin gives the missing user, as in `user 'ci-bot'`. */
const PLUGIN_USER_NAME =
  /\b(?:user|principal|subject|identity)(?:name)?\s*[:=]?\s*['"]([^'"]+)['"]/i

/**
 * Returns the username the server could not find when a 403 or 404
 * states that the authenticated user has no record, else undefined. The
 * empty string means a plugin stated it without quoting the user's name.
 */
export function unknownUser(error: unknown): string | undefined {
  if (!(error instanceof HttpError)) return undefined
  const { status, errorBody, body } = error.response
  if (status !== 403 && status !== 404) return undefined
  const message = errorBody?.message ?? body
  const named = MLFLOW_UNKNOWN_USER.exec(message)?.[1]
  if (named !== undefined) return named
  if (!PLUGIN_UNKNOWN_USER.test(message)) return undefined
  return PLUGIN_USER_NAME.exec(message)?.[1] ?? ''
}
