/**
 * MLflow's own checks on registry names, tags and aliases, applied before
 * any request so that a bad value never leaves a version half-configured.
 * The rules follow `mlflow/utils/validation.py` in MLflow 3.17.2.
 */

/** Maximum length of a model version tag key. */
export const MAX_TAG_KEY_LENGTH = 250

/** Maximum length of a model version tag value (MLflow 3.x). */
export const MAX_TAG_VALUE_LENGTH = 100_000

/**
 * Maximum length of a model version description: the size of its column
 * in MLflow 3.17.2's SQL schema (`String(5000)`). MLflow's validator does
 * not check it, so PostgreSQL and MySQL reject a longer one with a
 * database error, while SQLite stores it.
 */
export const MAX_DESCRIPTION_LENGTH = 5000

/** Maximum length of an alias. */
export const MAX_ALIAS_LENGTH = 255

const TAG_KEY_PATTERN = /^[/\p{L}\p{N}_.\- :]+$/u
const ALIAS_PATTERN = /^[\p{L}\p{N}_-]+$/u
const CONTROL_CHARACTER = /\p{Cc}/u

/** Returns why a registered model name is invalid, or undefined. */
export function checkModelName(name: string): string | undefined {
  if (name !== name.trim()) return 'it has leading or trailing whitespace'
  if (name === '') return 'it is empty'
  if (CONTROL_CHARACTER.test(name)) return 'it contains a control character'
  if (name.includes('/') || name.includes(':')) {
    return "MLflow model names cannot contain '/' or ':'"
  }
  if (name === '.' || name.startsWith('..')) {
    return "MLflow model names cannot be '.' or start with '..'"
  }
  return undefined
}

/** Returns why a model version tag key is invalid, or undefined. */
export function checkTagKey(key: string): string | undefined {
  if (key.length > MAX_TAG_KEY_LENGTH) {
    return tooLong(key.length, MAX_TAG_KEY_LENGTH)
  }
  if (!TAG_KEY_PATTERN.test(key)) {
    return (
      'tag keys may contain only letters, digits, underscores, dashes, ' +
      'periods, spaces, colons and slashes'
    )
  }
  const segments = key.split('/')
  if (
    key.startsWith('/') ||
    key.startsWith('..') ||
    segments.some(s => s === '' || s === '.' || s === '..')
  ) {
    return (
      'tag keys must be relative paths that do not start with ".." and ' +
      'have no empty, "." or ".." parts'
    )
  }
  return undefined
}

/** Returns why an alias is invalid, or undefined. */
export function checkAlias(alias: string): string | undefined {
  if (alias.length > MAX_ALIAS_LENGTH) {
    return tooLong(alias.length, MAX_ALIAS_LENGTH)
  }
  if (!ALIAS_PATTERN.test(alias)) {
    return 'aliases may contain only letters, digits, underscores and dashes'
  }
  if (alias.toLowerCase() === 'latest') {
    return "'latest' is reserved by MLflow (in any case)"
  }
  if (/^[vV]\d+$/.test(alias)) {
    return "'v' followed by digits is reserved by MLflow for version numbers"
  }
  return undefined
}

function tooLong(length: number, limit: number): string {
  return `it is ${length} characters long; the limit is ${limit}`
}
