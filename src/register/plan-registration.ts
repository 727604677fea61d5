import type { Config, Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { ApiRequest } from '../http/transport.js'
import { API, ARTIFACTS_API } from '../mlflow/api-paths.js'
import {
  createModelVersionRequest,
  createRegisteredModelRequest,
  setAliasRequest
} from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { getExperimentId } from '../mlflow/tracking.js'
import { checkTargetModel } from '../preflight/preflight.js'
import { checkAliasGuards } from './alias-guard.js'
import { findVersionByKey } from './find-version.js'
import { reusedVersionRequests } from './metadata.js'
import { SIGNATURE_FILE } from '../provenance/model-digest.js'
import {
  MODEL_DIGEST_TAG,
  signModelDirectory,
  signatureTags,
  sourceModelDigest,
  type DirectoryProvenance
} from '../provenance/registration-signing.js'
import { readModelDirectory, type ModelDirectory } from './model-directory.js'
import { NEW_VERSION, toPlannedCall, type PlannedCall } from './planned-call.js'
import { IDEMPOTENCY_TAG } from './provenance.js'
import { CREATE_REQUEST_TAG } from './read-back-create.js'
import { UPLOAD_KEY_TAG, uploadKey } from './upload.js'
import {
  hashesDuringUpload,
  registrationKey,
  versionTags,
  type RegistrationContext
} from './register.js'
import { planUnityCatalogVersion } from './plan-unity-catalog.js'
import { resolveSource, type ResolvedSource } from './source.js'
import { checkProxyFileNames } from './proxy-file-names.js'

/** The result of a dry run: the lookups and the writes it planned. */
export interface RegistrationPlan {
  /** The version an earlier run registered with the same key, if any. */
  readonly reusedVersion?: string
  readonly modelExists: boolean
  readonly calls: readonly PlannedCall[]
}

/**
 * Plans a registration without writing: the same preflight, idempotency
 * lookup, source resolution and alias guards as {@link registerModel},
 * which only read, and the write requests built by the same functions a
 * real run sends them with.
 *
 * NOTE: metric gates are not evaluated, because they compare a version
 * that a dry run does not create.
 */
export async function planRegistration(
  context: RegistrationContext
): Promise<RegistrationPlan> {
  const { http, config, log } = context
  const preflight = await checkTargetModel(http, config.modelName, log)
  context.progress.preflight = preflight
  const directory = config.modelPath
    ? await readModelDirectory(config.modelPath)
    : undefined
  if (directory && !http.isUnityCatalog) {
    checkProxyFileNames(directory.files)
  }
  const key = registrationKey(config, context.provenance, directory)
  const existing =
    preflight.model && !config.forceNewVersion
      ? await findVersionByKey(
          http,
          config.modelName,
          key,
          log,
          preflight.model
        )
      : undefined

  const requests = existing
    ? reusedVersionRequests(existing, config.tags, config.description)
    : await planNewVersion(context, directory, key, !!preflight.model)
  const version: ModelVersion = existing ?? {
    name: config.modelName,
    version: NEW_VERSION,
    tags: [],
    aliases: []
  }
  await checkAliasGuards(http, version, config.aliasGuards, log)
  for (const alias of config.aliases) {
    requests.push(setAliasRequest(config.modelName, alias, version.version))
  }
  return {
    ...(existing ? { reusedVersion: existing.version } : {}),
    modelExists: !!preflight.model,
    // NOTE: the planned paths are the MLflow registry's, also when the
    // calls would go to a separate registry server or to Unity Catalog.
    calls: requests.map(request => toPlannedCall(request, config.trackingUri))
  }
}

/** The random request tag of a create, as a plan shows it. */
const PLANNED_REQUEST_TAG: Tag = {
  key: CREATE_REQUEST_TAG,
  value: '<random id>'
}

async function planNewVersion(
  context: RegistrationContext,
  directory: ModelDirectory | undefined,
  key: string,
  modelExists: boolean
): Promise<ApiRequest[]> {
  const { http, config, log } = context
  // Key signing and verifying only read, so a dry run does both for real.
  const signed =
    directory &&
    (await signModelDirectory(directory, dryRunSigning(config, log), log))
  const runTags = [
    ...versionTags(context, key),
    ...signatureTags(signed?.digest)
  ]
  const unityCatalog = http.isUnityCatalog
    ? await planUnityCatalogVersion(context, directory, runTags, signed)
    : undefined
  const { requests, source, tags } = unityCatalog
    ? { ...unityCatalog, requests: [] }
    : directory
      ? await planLocalSource(context, directory, runTags, signed)
      : await planRemoteSource(context, runTags)
  if (!modelExists) {
    requests.push(createRegisteredModelRequest(config.modelName))
  }
  requests.push(
    createModelVersionRequest({
      name: config.modelName,
      source: source.source,
      ...(source.runId ? { runId: source.runId } : {}),
      ...(source.modelId ? { modelId: source.modelId } : {}),
      ...(config.description ? { description: config.description } : {}),
      tags: config.forceNewVersion ? [...tags, PLANNED_REQUEST_TAG] : tags
    })
  )
  return [...requests, ...(unityCatalog?.completion ?? [])]
}

/** The planned writes before the version is created, and its tags. */
interface PlannedSource {
  readonly requests: ApiRequest[]
  readonly source: ResolvedSource
  readonly tags: readonly Tag[]
}

async function planLocalSource(
  context: RegistrationContext,
  directory: ModelDirectory,
  runTags: readonly Tag[],
  signed: DirectoryProvenance | undefined
): Promise<PlannedSource> {
  const upload = await planUpload(context, directory, runTags, signed)
  const signatureUri = signed?.signatureFile
    ? `${upload.source.source}/${SIGNATURE_FILE}`
    : undefined
  return {
    ...upload,
    tags: [...runTags, ...signatureTags(undefined, signatureUri)]
  }
}

async function planRemoteSource(
  context: RegistrationContext,
  runTags: readonly Tag[]
): Promise<PlannedSource> {
  const { http, config, log } = context
  const original = config.source ?? ''
  const source = await resolveSource(http, original, log)
  const digest = await sourceModelDigest(http, original, source, config, log)
  return { requests: [], source, tags: [...runTags, ...signatureTags(digest)] }
}

/**
 * Plans the upload of a local model directory. The run id, its artifact
 * location and the timestamps exist only once the server creates the
 * run, so they are placeholders.
 */
async function planUpload(
  context: RegistrationContext,
  directory: ModelDirectory,
  tags: readonly Tag[],
  signed: DirectoryProvenance | undefined
): Promise<{ requests: ApiRequest[]; source: ResolvedSource }> {
  const { http, config } = context
  const requests: ApiRequest[] = []
  const experimentId = await getExperimentId(http, config.experimentName)
  if (experimentId === undefined) {
    requests.push(
      write('POST', `${API}/experiments/create`, 'create experiment', {
        name: config.experimentName
      })
    )
  }
  // An upload that hashes the files as it sends them tags the run with
  // the model digest after them.
  const digestLater = hashesDuringUpload(config, http.isUnityCatalog)
  const lateTags = digestLater
    ? tags.filter(tag => tag.key === MODEL_DIGEST_TAG)
    : []
  requests.push(
    write('POST', `${API}/runs/create`, 'create run', {
      experiment_id: experimentId ?? '<new experiment id>',
      run_name: `register-${config.modelName}`,
      start_time: '<now>',
      tags: [
        ...tags.filter(
          tag => tag.key !== IDEMPOTENCY_TAG && !lateTags.includes(tag)
        ),
        PLANNED_REQUEST_TAG,
        ...plannedUploadKey(config, directory, tags)
      ]
    })
  )
  const root = `<artifact root of the new run>/${config.artifactPath}`
  const signatureFile = signed?.signatureFile
  const uploads = directory.files
    .map(file => file.relativePath)
    .filter(file => file !== signatureFile?.relativePath)
  if (signatureFile) uploads.push(signatureFile.relativePath)
  for (const file of uploads) {
    requests.push(
      write('PUT', `${ARTIFACTS_API}/${root}/${file}`, 'upload artifact')
    )
  }
  for (const tag of lateTags) {
    requests.push(
      write('POST', `${API}/runs/set-tag`, 'set run tag', {
        run_id: '<new run id>',
        key: tag.key,
        value: tag.value
      })
    )
  }
  requests.push(
    write('POST', `${API}/runs/update`, 'end run', {
      run_id: '<new run id>',
      status: 'FINISHED',
      end_time: '<now>'
    })
  )
  return {
    requests,
    source: {
      source: `<artifact URI of the new run>/${config.artifactPath}`,
      runId: '<new run id>'
    }
  }
}

/**
 * Returns the upload key tag that the run gets, unless the version is
 * forced, whose upload never goes into an earlier attempt's run.
 */
function plannedUploadKey(
  config: Config,
  directory: ModelDirectory,
  tags: readonly Tag[]
): Tag[] {
  const key = tags.find(tag => tag.key === IDEMPOTENCY_TAG)?.value
  if (config.forceNewVersion || key === undefined) return []
  const scope = {
    modelName: config.modelName,
    experimentName: config.experimentName
  }
  return [{ key: UPLOAD_KEY_TAG, value: uploadKey(key, scope, directory) }]
}

function write(
  method: ApiRequest['method'],
  path: string,
  operation: string,
  json?: unknown
): ApiRequest {
  return {
    method,
    path,
    ...(json === undefined ? {} : { json }),
    operation,
    idempotent: false
  }
}

/**
 * Returns the signing a dry run does. Keyless signing writes an entry to
 * the Rekor transparency log, so a dry run does not sign keylessly.
 */
function dryRunSigning(config: Config, log: Logger): Pick<Config, 'signing'> {
  if (config.signing.method !== 'sigstore') return config
  // NOTE: the planned calls of a keyless dry run lack the model.sig
  // upload and the signature tag, because nothing is signed.
  log.info(
    'Dry run: keyless signing is skipped, because it writes an entry to ' +
      'the Rekor transparency log.'
  )
  return { signing: { ...config.signing, method: 'none' } }
}
