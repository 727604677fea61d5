import { invalidParameter } from '../mlflow-error.js'

/** The registry's input checks, with MLflow 3.17.2's messages. */

/** Compares strings by code unit, as Python and SQLite order them. */
export function compareText(a: string, b: string): number {
  if (a < b) return -1
  return a > b ? 1 : 0
}

/** Rejects model names that contain `/` or `:`. */
export function validateModelName(name: string): void {
  if (name.includes('/') || name.includes(':')) {
    throw invalidParameter(
      `Invalid model name '${name}'. Names cannot contain '/' or ':'.`
    )
  }
}

/** Reads a version number, rejecting text as MLflow does. */
export function parseVersionNumber(version: string): number {
  if (!/^\s*-?\d+\s*$/.test(version)) {
    throw invalidParameter(
      `Parameter 'version' must be an integer, got '${version}'.`
    )
  }
  return Number(version)
}

/** Rejects empty aliases and aliases with characters outside `[\w-]`. */
export function validateAliasName(alias: string): void {
  if (alias === '') {
    throw invalidParameter('Registered model alias name cannot be empty.')
  }
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) {
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain ` +
        'alphanumerics, underscores (_), and dashes (-).'
    )
  }
}

/** Rejects invalid aliases and the reserved `latest` and `v<number>`. */
export function validateAlias(alias: string): void {
  validateAliasName(alias)
  if (alias.toLowerCase() === 'latest') {
    throw invalidParameter(
      "'latest' alias name (case insensitive) is reserved."
    )
  }
  if (/^[vV]\d+$/.test(alias)) {
    throw invalidParameter(`Version alias name '${alias}' is reserved.`)
  }
}
