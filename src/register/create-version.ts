import type { Tag } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import {
  createModelVersion,
  createRegisteredModel,
  getRegisteredModel,
  isAlreadyExists
} from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { findVersionByKey, findVersionByRequestTag } from './find-version.js'
import { createWithReadBack } from './read-back-create.js'
import type { ResolvedSource } from './source.js'

/**
 * Creates the registered model when it is missing. "Already exists" is
 * success (another job won the race); after a lost answer the model is
 * read back before the create is sent again. Returns whether this call
 * created it, so the caller knows the model has no aliases yet.
 */
export async function ensureRegisteredModel(
  http: HttpClient,
  name: string,
  log: Logger
): Promise<boolean> {
  let created = false
  await createWithReadBack(http, log, `create registered model '${name}'`, {
    create: async bounded => {
      try {
        await createRegisteredModel(bounded, name)
        created = true
        log.info(`Created registered model '${name}'`)
      } catch (error) {
        if (!isAlreadyExists(error)) throw error
        await readRacedModel(bounded, name, error)
        log.info(`Registered model '${name}' was created meanwhile; using it`)
      }
      return true
    },
    readBack: async bounded =>
      (await getRegisteredModel(bounded, name)) ? true : undefined
  })
  return created
}

/**
 * Reads back a model whose create was rejected as existing, since another
 * job won the race. A model this identity cannot read is an error here,
 * so the action never loops between create and get.
 */
async function readRacedModel(
  http: HttpClient,
  name: string,
  cause: unknown
): Promise<void> {
  if (await getRegisteredModel(http, name)) return
  throw new DiagnosedError(
    diagnose(
      'FORBIDDEN_PERMISSION',
      `The server rejected the create of registered model '${name}' ` +
        'because it exists, but reading it returns "not found": the model ' +
        'exists but is invisible to this identity.',
      `An admin must grant this identity READ (and EDIT) on '${name}', or ` +
        'use another `model-name`.'
    ),
    { cause }
  )
}

/** What a new model version is created with. */
export interface VersionRequest {
  readonly modelName: string
  readonly source: ResolvedSource
  readonly description?: string
  readonly tags: readonly Tag[]
  readonly idempotencyKey: string
  /**
   * A tag unique to this create request. A forced new version needs it,
   * because it shares its idempotency key with the version before it.
   */
  readonly requestTag?: Tag
}

/**
 * Creates a model version with its tags and description in the same
 * request, so a refusal leaves no half-tagged version. A create whose
 * response was lost is sent again only after a lookup by idempotency
 * key, or by its request tag, shows that it did not commit.
 */
export async function createVersion(
  http: HttpClient,
  request: VersionRequest,
  log: Logger
): Promise<ModelVersion> {
  return createWithReadBack(http, log, 'create model version', {
    create: bounded =>
      createModelVersion(bounded, {
        name: request.modelName,
        source: request.source.source,
        ...(request.source.runId ? { runId: request.source.runId } : {}),
        ...(request.source.modelId ? { modelId: request.source.modelId } : {}),
        ...(request.description ? { description: request.description } : {}),
        tags: request.requestTag
          ? [...request.tags, request.requestTag]
          : request.tags
      }),
    readBack: bounded => readBackVersion(bounded, request, log)
  })
}

/**
 * Looks for a version the lost create committed. The registered model is
 * read again, so the lookup can check that the search lists its newest
 * version and read versions one by one when it does not.
 */
async function readBackVersion(
  http: HttpClient,
  request: VersionRequest,
  log: Logger
): Promise<ModelVersion | undefined> {
  const model = await getRegisteredModel(http, request.modelName)
  if (!model) return undefined
  if (request.requestTag) {
    return findVersionByRequestTag(http, model, request.requestTag, log)
  }
  return findVersionByKey(
    http,
    request.modelName,
    request.idempotencyKey,
    log,
    model
  )
}
