import { configError } from '../diagnosis/diagnosis.js'
import { countOf } from '../text/plural.js'

/** A `%` that MLflow's artifact proxy decodes as an escape. */
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i

/**
 * Tells whether MLflow's artifact proxy would refuse a path or store it
 * under another name. Its path check (MLflow 3.17,
 * `validate_path_is_safe`) rejects `#` and turns control characters into
 * `%xx` escapes. It decodes `%` escapes until nothing changes, so `a%2Fb`
 * becomes the folder `a/b` (a `%` that starts no escape, as in
 * `100%.txt`, stays). Each decoding parses the path as a URL and joins
 * it again, which drops an empty query (`what?` becomes `what`) and
 * empty parameters (`weights;` becomes `weights`).
 */
export function isUnstorable(relativePath: string): boolean {
  for (let i = 0; i < relativePath.length; i++) {
    const code = relativePath.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  if (relativePath.includes('#') || PERCENT_ESCAPE.test(relativePath)) {
    return true
  }
  return losesEmptyParts(relativePath)
}

/**
 * Tells whether Python's `urlunparse(urlparse(path))` drops a part of
 * the path: a `?` that starts an empty query, or a `;` that starts empty
 * parameters, which Python takes from the last segment before the query.
 */
function losesEmptyParts(relativePath: string): boolean {
  const queryAt = relativePath.indexOf('?')
  if (queryAt === relativePath.length - 1) return true
  const beforeQuery =
    queryAt < 0 ? relativePath : relativePath.slice(0, queryAt)
  const lastSegment = beforeQuery.slice(beforeQuery.lastIndexOf('/') + 1)
  const paramsAt = lastSegment.indexOf(';')
  return paramsAt >= 0 && paramsAt === lastSegment.length - 1
}

/**
 * Rejects model files whose paths the artifact proxy would refuse or
 * store under another name, before anything is written. A refusal in the
 * middle of an upload would read as a server failure. A renamed file
 * would read as an incomplete upload. A bundle of them could never be
 * synced.
 */
export function checkProxyFileNames(
  files: readonly { readonly relativePath: string }[]
): void {
  const unstorable = files.filter(file => isUnstorable(file.relativePath))
  if (unstorable.length === 0) return
  const firstNames = unstorable
    .slice(0, 3)
    .map(file => JSON.stringify(file.relativePath))
    .join(', ')
  const more = unstorable.length > 3 ? ` and ${unstorable.length - 3} more` : ''
  throw configError(
    'input `model-path`',
    `${countOf(unstorable.length, 'file')} of the model ` +
      `(${firstNames}${more}) cannot go through MLflow's artifact proxy ` +
      "as named: it rejects '#' in a path, decodes a '%' followed by " +
      'two hex digits as an escape, renames control characters, and ' +
      "drops a '?' or ';' that ends a name",
    "Rename the files without '#', '%' escapes, control characters or " +
      "a trailing '?' or ';', " +
      'or log the model with the MLflow client and register it by ' +
      '`source`.'
  )
}
