import { mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'

import type { RegistrationFields } from '../config/registration-fields.js'
import { isThreePartName } from '../config/registry-choice.js'
import type { Diagnosis } from '../diagnosis/diagnosis.js'
import { describeUrl } from '../http/url.js'
import { nodeCrypto } from '../node-crypto.js'
import { directoryDigest } from '../provenance/registration-signing.js'
import { readModelDirectory } from '../register/model-directory.js'
import { checkProxyFileNames } from '../register/proxy-file-names.js'
import type { Provenance } from '../register/provenance.js'
import { registrationKey } from '../register/register.js'
import { writeFileAtomic } from './atomic-write.js'
import { copyModelFiles } from './copy-files.js'
import {
  BUNDLE_SCHEMA_VERSION,
  MANIFEST_CHECKSUM_FILE,
  MANIFEST_FILE,
  MODEL_DIRECTORY,
  manifestSchema,
  type BundleFile,
  type BundleManifest
} from './manifest.js'

/**
 * The inputs of a registry bundle: a deferred registration, with its
 * tracking URI and failure, or a version of the local registry, with its
 * version number.
 */
export interface BundleRequest {
  /** The directory of pending bundles, or the local registry's. */
  readonly directory: string
  readonly config: RegistrationFields & {
    readonly trackingUri?: URL
    readonly signing?: { readonly method: string }
  }
  readonly provenance: Provenance
  /** The availability failure that deferred the registration. */
  readonly diagnosis?: Diagnosis
  /** The version number in the local registry. */
  readonly localVersion?: string
  /** The version number created before the failure, if any. */
  readonly createdVersion?: string | undefined
  /**
   * Whether the registration goes to Unity Catalog, whose storage takes
   * any file name. Unknown offline, where a three-part name may.
   */
  readonly unityCatalog?: boolean
  /** Every value masked in this run; none may reach the manifest. */
  readonly secrets: readonly string[]
  readonly now: Date
}

/** A bundle on disk. */
export interface WrittenBundle {
  /** The bundle's directory. */
  readonly path: string
  readonly manifest: BundleManifest
  /** The model digest of the local model directory it holds, if any. */
  readonly modelDigest?: string
}

const RUNS_URI = /^runs:\/([^/]+)\//

/**
 * Writes a registry bundle. It is built in a hidden staging directory and
 * renamed into place as a whole, so a sync never reads half a bundle, and
 * the staging directory is removed when any step fails.
 */
export async function writeBundle(
  request: BundleRequest
): Promise<WrittenBundle> {
  const { config } = request
  const bundleId = newBundleId(config.modelName, request.now)
  await mkdir(request.directory, { recursive: true })
  const staging = path.join(request.directory, `.partial-${bundleId}`)
  await mkdir(staging)
  try {
    const directory = config.modelPath
      ? await readModelDirectory(config.modelPath)
      : undefined
    // A sync could never upload file names that the artifact proxy
    // refuses, so they never go into a bundle.
    const unityCatalog =
      request.unityCatalog ?? isThreePartName(config.modelName)
    if (directory && !unityCatalog) checkProxyFileNames(directory.files)
    const files = directory
      ? await copyModelFiles(directory, staging, MODEL_DIRECTORY)
      : []
    const key = bundleKey(
      registrationKey(config, request.provenance, directory),
      config.forceNewVersion,
      bundleId
    )
    const manifest = buildManifest(request, bundleId, key, files)
    await writeManifest(staging, manifest, request.secrets)
    const final = path.join(request.directory, bundleId)
    await rename(staging, final)
    return {
      path: final,
      manifest,
      ...(directory ? { modelDigest: directoryDigest(directory) } : {})
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
}

/**
 * With `force-new-version`, the run's key may already name an older
 * version, which a replay would adopt. The bundle then gets a key of its
 * own, so its replays stay idempotent among themselves.
 */
function bundleKey(key: string, forceNew: boolean, bundleId: string): string {
  if (!forceNew) return key
  // NOTE: a version created in the failed run itself carries the run's
  // key, so a forced registration that failed after its create is
  // registered a second time by the sync.
  return nodeCrypto()
    .createHash('sha256')
    .update(`${key}\0${bundleId}`)
    .digest('hex')
}

function buildManifest(
  request: BundleRequest,
  bundleId: string,
  idempotencyKey: string,
  files: BundleFile[]
): BundleManifest {
  const { config, diagnosis } = request
  const runId = config.source ? RUNS_URI.exec(config.source)?.[1] : undefined
  return manifestSchema.parse({
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    bundleId,
    createdAt: request.now.toISOString(),
    ...(config.trackingUri
      ? { trackingUri: describeUrl(config.trackingUri) }
      : {}),
    ...(request.localVersion ? { localVersion: request.localVersion } : {}),
    registration: {
      modelName: config.modelName,
      ...(config.source
        ? { source: config.source }
        : { modelDirectory: MODEL_DIRECTORY }),
      ...(runId ? { runId } : {}),
      artifactPath: config.artifactPath,
      experimentName: config.experimentName,
      ...(config.description ? { description: config.description } : {}),
      tags: config.tags,
      aliases: config.aliases,
      metricGates: config.metricGates.map(gate => gate.text),
      aliasGuards: config.aliasGuards.map(guard => guard.text),
      idempotencyKey,
      ...(config.signing && config.signing.method !== 'none'
        ? { signing: config.signing.method }
        : {})
    },
    provenance: request.provenance,
    ...(request.createdVersion
      ? { createdVersion: request.createdVersion }
      : {}),
    ...(diagnosis
      ? { lastError: { code: diagnosis.code, title: diagnosis.title } }
      : {}),
    files
  })
}

async function writeManifest(
  staging: string,
  manifest: BundleManifest,
  secrets: readonly string[]
): Promise<void> {
  const text = `${JSON.stringify(manifest, null, 2)}\n`
  if (secrets.some(secret => secret !== '' && text.includes(secret))) {
    throw new Error(
      'The bundle manifest would contain a value that is masked as a ' +
        'secret (in the model name, description, tags or aliases), so no ' +
        'bundle was written.'
    )
  }
  const digest = nodeCrypto().createHash('sha256').update(text).digest('hex')
  await writeFileAtomic(path.join(staging, MANIFEST_FILE), text)
  await writeFileAtomic(
    path.join(staging, MANIFEST_CHECKSUM_FILE),
    `${digest}  ${MANIFEST_FILE}\n`
  )
}

/** Builds a bundle id that sorts by time: `<UTC time>-<model>-<random>`. */
function newBundleId(modelName: string, now: Date): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
  const slug = modelName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80)
  return `${time}-${slug}-${nodeCrypto().randomBytes(4).toString('hex')}`
}
