import { z } from 'zod'

import { DIAGNOSIS_CODES, type DiagnosisCode } from '../diagnosis/codes.js'
import { checkRelativePath } from './bundle-paths.js'

/**
 * The manifest format of a registry bundle. A bundle is a directory
 * holding `manifest.json`, `manifest.sha256` (the SHA-256 of the manifest's
 * bytes) and, for a local model directory, a copy of its files under
 * `model/`. Everything a later sync needs is in the manifest; credentials
 * never are. A deferred registration's bundle records its tracking URI
 * and the failure; a version of the local registry records its version
 * number instead.
 */

/** The manifest version this code writes and reads. */
export const BUNDLE_SCHEMA_VERSION = 1

/** The manifest's file name inside a bundle. */
export const MANIFEST_FILE = 'manifest.json'

/** The file holding the SHA-256 of the manifest's bytes. */
export const MANIFEST_CHECKSUM_FILE = 'manifest.sha256'

/** The directory inside a bundle that contains the copied model files. */
export const MODEL_DIRECTORY = 'model'

const relativePathSchema = z.string().superRefine((value, context) => {
  const problem = checkRelativePath(value)
  if (problem) context.addIssue({ code: 'custom', message: problem })
})

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/)

const tagSchema = z.strictObject({ key: z.string(), value: z.string() })

const diagnosisCodeSchema = z.enum(
  Object.keys(DIAGNOSIS_CODES) as [DiagnosisCode, ...DiagnosisCode[]]
)

/** A bundle id: also the bundle's directory name, so no separators. */
export const bundleIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,159}$/)

const trackingUriSchema = z.url().refine(
  value => {
    const url = new URL(value)
    return url.username === '' && url.password === '' && url.search === ''
  },
  { error: 'the tracking URI must carry no credentials and no query' }
)

const provenanceSchema = z.strictObject({
  system: z.enum(['github-actions', 'gitlab-ci', 'jenkins', 'local']),
  repository: z.string().optional(),
  commit: z.string().optional(),
  ref: z.string().optional(),
  workflow: z.string().optional(),
  runId: z.string().optional(),
  runAttempt: z.string().optional(),
  runUrl: z.string().optional()
})

const registrationSchema = z
  .strictObject({
    modelName: z.string().min(1),
    /** A model URI; absent when the model files are in the bundle. */
    source: z.string().min(1).optional(),
    /** The bundle directory holding the model files, relative. */
    modelDirectory: relativePathSchema.optional(),
    /** The MLflow run id named by a `runs:/` source. */
    runId: z.string().optional(),
    artifactPath: z.string().min(1),
    experimentName: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(tagSchema),
    aliases: z.array(z.string()),
    /** The `require-metric` lines, checked again when the bundle syncs. */
    metricGates: z.array(z.string()).default([]),
    /** The `expected-alias-versions` entries, checked when it syncs. */
    aliasGuards: z.array(z.string()).default([]),
    idempotencyKey: z.string().min(1),
    /** The signing the deferred run asked for, which a sync must repeat. */
    signing: z.enum(['key', 'sigstore']).optional()
  })
  .refine(value => (value.source === undefined) !== !value.modelDirectory, {
    error: 'exactly one of source and modelDirectory must be set'
  })

const bundleFileSchema = z.strictObject({
  path: relativePathSchema,
  size: z.number().int().nonnegative(),
  sha256: sha256Schema
})

/** A version number as MLflow writes it: a positive integer in decimal. */
const versionNumberSchema = z.string().regex(/^[1-9][0-9]{0,15}$/)

/** The manifest of a registry bundle, as written to `manifest.json`. */
export const manifestSchema = z
  .strictObject({
    schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
    bundleId: bundleIdSchema,
    createdAt: z.iso.datetime(),
    /**
     * The tracking server URL, without credentials; absent for a version of
     * the local registry, which may sync to any server.
     */
    trackingUri: trackingUriSchema.optional(),
    /** The version number in the local registry; absent in a deferral. */
    localVersion: versionNumberSchema.optional(),
    registration: registrationSchema,
    provenance: provenanceSchema,
    /** The version that was created before the failure, when one was. */
    createdVersion: z.string().optional(),
    /** The failure that deferred the registration; absent offline. */
    lastError: z
      .strictObject({
        code: diagnosisCodeSchema,
        title: z.string()
      })
      .optional(),
    /** Every file of the bundle except the manifest and its checksum. */
    files: z.array(bundleFileSchema)
  })
  .refine(value => (value.lastError === undefined) !== !value.localVersion, {
    error: 'exactly one of lastError and localVersion must be set'
  })
  .refine(value => value.localVersion !== undefined || value.trackingUri, {
    error: 'a deferred registration must record its trackingUri'
  })

/** A bundle manifest. */
export type BundleManifest = z.infer<typeof manifestSchema>

/** One file listed in a manifest. */
export type BundleFile = z.infer<typeof bundleFileSchema>
