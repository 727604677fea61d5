import { configError } from '../diagnosis/diagnosis.js'
import { countOf } from '../text/plural.js'

/** A `%` that MLflow's artifact proxy decodes as an escape. */
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i

/**
 * Tells whether MLflow's artifact proxy would refuse a path or store it
 * under another name. Its path check (MLflow 3.17,
 * `validate_path_is_safe`) rejects `#`, decodes `%` escapes until nothing
 * changes, so `a%2Fb` becomes the folder `a/b` (a `%` that starts no
 * escape, as in `100%.txt`, stays), and turns control characters into
 * `%xx` escapes.
 */
function isUnstorable(relativePath: string): boolean {
  for (let i = 0; i < relativePath.length; i++) {
    const code = relativePath.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return relativePath.includes('#') || PERCENT_ESCAPE.test(relativePath)
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
      'two hex digits as an escape, and renames control characters',
    "Rename the files without '#', '%' escapes or control characters, " +
      'or log the model with the MLflow client and register it by ' +
      '`source`.'
  )
}
