import { configError } from '../diagnosis/diagnosis.js'
import { countOf } from '../text/plural.js'

/**
 * Characters that MLflow's artifact proxy does not store as sent. Its
 * path check (MLflow 3.17, `validate_path_is_safe`) rejects `#`, decodes
 * `%` escapes until nothing changes, so `a%2Fb` becomes the folder `a/b`,
 * and turns control characters into `%xx` escapes.
 */
function isUnstorable(relativePath: string): boolean {
  for (let i = 0; i < relativePath.length; i++) {
    const code = relativePath.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return relativePath.includes('#') || relativePath.includes('%')
}

/**
 * Rejects model files whose paths the artifact proxy would refuse or
 * store under another name, before the upload creates a run. A refusal
 * in the middle of an upload would otherwise read as a server failure,
 * and a renamed file as an incomplete upload.
 */
export function checkProxyFileNames(
  files: readonly { readonly relativePath: string }[]
): void {
  const unstorable = files.filter(file => isUnstorable(file.relativePath))
  const [first] = unstorable
  if (!first) return
  const firstNames = unstorable
    .slice(0, 3)
    .map(file => JSON.stringify(file.relativePath))
    .join(', ')
  const more = unstorable.length > 3 ? ` and ${unstorable.length - 3} more` : ''
  throw configError(
    'input `model-path`',
    `${countOf(unstorable.length, 'file')} of the model (${firstNames}${more}) ` +
      "cannot go through MLflow's artifact proxy as named: it rejects " +
      "'#' in a path, reads '%' as an escape and renames control " +
      'characters',
    "Rename the files without '#', '%' or control characters, or log " +
      'the model with the MLflow client and register it by `source`.'
  )
}
