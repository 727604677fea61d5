import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { FileDigest, ModelManifest } from './model-digest.js'
import { SIGNATURE_FILE, compareFileNames } from './model-digest.js'
import type { SignedManifest } from './statement.js'

/** The first file where a model differs from its statement, and how. */
export interface FileDifference {
  readonly kind: 'changed' | 'added' | 'missing'
  readonly name: string
}

/**
 * Returns the first file, in manifest order, where the files differ from
 * the signed statement: its contents changed, it is not in the statement
 * (added), or the statement lists it but it is absent (missing).
 */
export function findFirstDifference(
  signed: readonly FileDigest[],
  actual: readonly FileDigest[]
): FileDifference | undefined {
  const expected = new Map(signed.map(file => [file.name, file.digest]))
  const present = new Map(actual.map(file => [file.name, file.digest]))
  const names = [...new Set([...expected.keys(), ...present.keys()])]
  for (const name of names.sort(compareFileNames)) {
    const want = expected.get(name)
    const have = present.get(name)
    if (want === undefined) return { kind: 'added', name }
    if (have === undefined) return { kind: 'missing', name }
    if (want !== have) return { kind: 'changed', name }
  }
  return undefined
}

/**
 * Returns the paths that verification leaves out: those the signer
 * recorded in the statement's `ignore_paths`, and model.sig, the bundle
 * being verified. model-signing 1.1.1 leaves out the same, so git's
 * files are checked when the signer did not ignore them.
 */
export function verificationIgnorePaths(signed: SignedManifest): string[] {
  return [SIGNATURE_FILE, ...signed.ignorePaths]
}

/**
 * Checks a model's files against a statement whose signature was already
 * verified, and throws MODEL_DIGEST_MISMATCH naming the first differing
 * file. `where` names the model's location for the message.
 */
export function verifyFilesAgainstStatement(
  signed: SignedManifest,
  actual: ModelManifest,
  where: string
): void {
  const difference = findFirstDifference(signed.files, actual.files)
  if (!difference) return
  throw new DiagnosedError(
    diagnose(
      'MODEL_DIGEST_MISMATCH',
      `${where}: ${describeDifference(difference)}, so the model is not ` +
        `the one that was signed (signed model digest ${signed.digest}).`,
      'Find out who changed the model files since signing; register the ' +
        'model again from a trusted build, or sign the new files.',
      { body: `${difference.kind}: ${difference.name}` }
    )
  )
}

function describeDifference(difference: FileDifference): string {
  const { kind, name } = difference
  if (kind === 'changed') return `file ${name} was changed after signing`
  if (kind === 'added') return `file ${name} was added after signing`
  return `file ${name} is missing, though the signature lists it`
}
