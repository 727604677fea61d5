import { z } from 'zod'

import {
  IGNORED_PATHS,
  compareFileNames,
  rootDigest,
  type FileDigest,
  type ModelManifest
} from './model-digest.js'

/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'

/** The predicate type of model-signing 1.x signatures. */
export const MODEL_SIGNING_PREDICATE = 'https://model_signing/signature/v1.0'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z
    .array(
      z.object({ name: z.string(), digest: z.object({ sha256: sha256Hex }) })
    )
    .length(1),
  predicateType: z.literal(MODEL_SIGNING_PREDICATE),
  predicate: z.object({
    serialization: z.looseObject({
      method: z.literal('files'),
      hash_type: z.literal('sha256'),
      allow_symlinks: z.boolean(),
      ignore_paths: z.array(z.string()).optional()
    }),
    resources: z.array(
      z.object({
        name: z.string(),
        algorithm: z.literal('sha256'),
        digest: sha256Hex
      })
    )
  })
})

/** A statement read back from a signature, with the digest it claims. */
export interface SignedManifest extends ModelManifest {
  readonly digest: string
  /** The top-level paths the signer left out. */
  readonly ignorePaths: readonly string[]
}

/**
 * Builds the in-toto statement v1 that model-signing 1.1.1 signs for a
 * file-by-file serialization: the model digest as the subject, and each
 * file's SHA-256 as a resource of the predicate. Returns the JSON bytes,
 * which are the DSSE payload. `allow_symlinks` is true when a symbolic
 * link was read, as `model_signing sign --allow_symlinks` records it.
 * NOTE: model-signing 1.1.1 does not read the flag back: its verify
 * command needs `--allow_symlinks` for such a model.
 */
export function buildStatement(manifest: ModelManifest): Buffer {
  const files = [...manifest.files].sort((a, b) =>
    compareFileNames(a.name, b.name)
  )
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [
      { name: manifest.modelName, digest: { sha256: rootDigest(files) } }
    ],
    predicateType: MODEL_SIGNING_PREDICATE,
    predicate: {
      serialization: {
        method: 'files',
        hash_type: 'sha256',
        allow_symlinks: manifest.allowSymlinks === true,
        ignore_paths: IGNORED_PATHS
      },
      resources: files.map(file => ({
        name: file.name,
        algorithm: 'sha256',
        digest: file.digest
      }))
    }
  }
  return Buffer.from(JSON.stringify(statement, null, 2))
}

/**
 * Parses a signed statement and checks that its subject digest is the
 * digest of its resources, as model-signing does, so the resources can
 * be trusted once the signature is. Returns the reason instead when the
 * payload is not such a statement.
 */
export function parseStatement(
  payload: Buffer
): SignedManifest | { readonly invalid: string } {
  let json: unknown
  try {
    json = JSON.parse(payload.toString('utf8'))
  } catch {
    return { invalid: 'the signed payload is not JSON' }
  }
  const result = statementSchema.safeParse(json)
  if (!result.success) {
    return {
      invalid:
        'the signed payload is not a model-signing v1.0 statement with ' +
        `sha256 file digests (${result.error.issues[0]?.message ?? ''})`
    }
  }
  const { subject, predicate } = result.data
  const files: FileDigest[] = predicate.resources.map(({ name, digest }) => ({
    name,
    digest
  }))
  const digest = subject[0]?.digest.sha256 ?? ''
  // model-signing hashes the resources in the order the predicate lists
  // them, so the check does too, before sorting.
  if (rootDigest(files) !== digest) {
    return {
      invalid:
        'the statement is inconsistent: its file digests do not hash to ' +
        `its subject digest ${digest}`
    }
  }
  return {
    modelName: subject[0]?.name ?? '',
    files: files.sort((a, b) => compareFileNames(a.name, b.name)),
    digest,
    allowSymlinks: predicate.serialization.allow_symlinks,
    ignorePaths: predicate.serialization.ignore_paths ?? []
  }
}
