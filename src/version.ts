/** The version of this action, sent in the User-Agent header. */
export const VERSION = '0.1.0'

/** The User-Agent of every request, so server logs show who called. */
export const USER_AGENT = `mlflow-register/${VERSION}`
