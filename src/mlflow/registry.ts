import type { Tag } from '../config/config.js'
import { HttpError } from '../http/errors.js'
import type { ApiRequest, HttpClient } from '../http/transport.js'
import { API, modelResource } from './api-paths.js'
import {
  downloadUriResponse,
  emptyResponse,
  getRegisteredModelResponse,
  modelVersionResponse,
  searchModelVersionsResponse,
  type ModelVersion,
  type RegisteredModel
} from './schemas.js'
import { unknownUser } from './unknown-user.js'

/**
 * Whether an error is MLflow's "no such object" answer. The same 404 code
 * for a user the auth store lacks is about the caller, not the object.
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof HttpError &&
    error.response.status === 404 &&
    error.errorCode === 'RESOURCE_DOES_NOT_EXIST' &&
    unknownUser(error) === undefined
  )
}

/**
 * Whether an error says the object exists already: HTTP 400
 * `RESOURCE_ALREADY_EXISTS` on open-source MLflow, 409 `ALREADY_EXISTS`
 * on Unity Catalog.
 */
export function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof HttpError &&
    (error.errorCode === 'RESOURCE_ALREADY_EXISTS' ||
      error.errorCode === 'ALREADY_EXISTS' ||
      (error.response.status === 409 && error.errorCode === undefined))
  )
}

/** Gets a registered model by exact name; undefined when it is absent. */
export async function getRegisteredModel(
  http: HttpClient,
  name: string
): Promise<RegisteredModel | undefined> {
  try {
    const response = await http.json(
      {
        method: 'GET',
        path: `${API}/registered-models/get`,
        query: { name },
        operation: 'get registered model',
        resource: modelResource(name),
        idempotent: true
      },
      getRegisteredModelResponse
    )
    return response.registered_model
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** Builds the request that creates a registered model. */
export function createRegisteredModelRequest(name: string): ApiRequest {
  return {
    method: 'POST',
    path: `${API}/registered-models/create`,
    json: { name },
    operation: 'create registered model',
    resource: modelResource(name),
    idempotent: false
  }
}

/** Creates a registered model; the caller reads back on any doubt. */
export async function createRegisteredModel(
  http: HttpClient,
  name: string
): Promise<void> {
  await http.json(createRegisteredModelRequest(name), emptyResponse)
}

/** One page of a version search and whether more pages follow. */
export interface VersionPage {
  readonly versions: ModelVersion[]
  readonly complete: boolean
  readonly nextPageToken?: string
}

/** Reads the newest versions of a model, newest first, in one request. */
export async function searchNewestVersions(
  http: HttpClient,
  name: string,
  maxResults: number
): Promise<VersionPage> {
  const page = await searchVersionPage(
    http,
    { filter: `name = '${name}'`, order_by: 'version_number DESC' },
    modelResource(name),
    maxResults
  )
  return {
    versions: page.versions.filter(version => version.name === name),
    complete: page.complete
  }
}

/** Reads one page of a version search, the first without `pageToken`. */
export async function searchVersionPage(
  http: HttpClient,
  query: { readonly filter: string; readonly order_by?: string },
  resource: string,
  maxResults: number,
  pageToken?: string
): Promise<VersionPage> {
  const page = await http.json(
    {
      method: 'GET',
      path: `${API}/model-versions/search`,
      query: { ...query, max_results: maxResults, page_token: pageToken },
      operation: 'search model versions',
      resource,
      idempotent: true
    },
    searchModelVersionsResponse
  )
  const next = page.next_page_token
  return {
    versions: page.model_versions,
    complete: next === undefined,
    ...(next === undefined ? {} : { nextPageToken: next })
  }
}

/** Finds model versions that match a filter, following every page. */
export async function searchModelVersions(
  http: HttpClient,
  filter: string,
  resource: string
): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = []
  let pageToken: string | undefined
  do {
    const page = await searchVersionPage(
      http,
      { filter },
      resource,
      200,
      pageToken
    )
    versions.push(...page.versions)
    pageToken = page.nextPageToken
  } while (pageToken)
  return versions
}

/** Selects the registry a read goes to. */
export type RegistryChoice = Pick<ApiRequest, 'trackingServer'>

/**
 * Gets one model version by name and number. `where` selects the
 * tracking server's own registry over the configured one.
 */
export async function getModelVersion(
  http: HttpClient,
  name: string,
  version: string,
  where: RegistryChoice = {}
): Promise<ModelVersion> {
  const response = await http.json(
    {
      method: 'GET',
      path: `${API}/model-versions/get`,
      query: { name, version },
      operation: 'get model version',
      resource: `version ${version} of ${modelResource(name)}`,
      idempotent: true,
      ...where
    },
    modelVersionResponse
  )
  return response.model_version
}

/** The fields of a model version create request. */
export interface CreateModelVersion {
  readonly name: string
  readonly source: string
  readonly runId?: string
  readonly modelId?: string
  readonly description?: string
  readonly tags: readonly Tag[]
}

/** Builds the request that creates a model version. */
export function createModelVersionRequest(
  create: CreateModelVersion
): ApiRequest {
  return {
    method: 'POST',
    path: `${API}/model-versions/create`,
    json: {
      name: create.name,
      source: create.source,
      run_id: create.runId,
      model_id: create.modelId,
      description: create.description,
      tags: create.tags
    },
    operation: 'create model version',
    resource: modelResource(create.name),
    idempotent: false
  }
}

/** Creates a model version. Not idempotent: never re-sent blindly. */
export async function createModelVersion(
  http: HttpClient,
  create: CreateModelVersion
): Promise<ModelVersion> {
  const response = await http.json(
    createModelVersionRequest(create),
    modelVersionResponse
  )
  return response.model_version
}

/** Builds the request that sets one tag on a model version. */
export function setModelVersionTagRequest(
  name: string,
  version: string,
  tag: Tag
): ApiRequest {
  return {
    method: 'POST',
    path: `${API}/model-versions/set-tag`,
    json: { name, version, key: tag.key, value: tag.value },
    operation: 'set model version tag',
    resource: `version ${version} of ${modelResource(name)}`,
    idempotent: true
  }
}

/** Sets one tag on a model version; setting a tag twice is harmless. */
export async function setModelVersionTag(
  http: HttpClient,
  name: string,
  version: string,
  tag: Tag
): Promise<void> {
  await http.json(setModelVersionTagRequest(name, version, tag), emptyResponse)
}

/** Builds the request that replaces a model version's description. */
export function updateModelVersionDescriptionRequest(
  name: string,
  version: string,
  description: string
): ApiRequest {
  return {
    method: 'PATCH',
    path: `${API}/model-versions/update`,
    json: { name, version, description },
    operation: 'update model version',
    resource: `version ${version} of ${modelResource(name)}`,
    idempotent: true
  }
}

/** Replaces the description of a model version. */
export async function updateModelVersionDescription(
  http: HttpClient,
  name: string,
  version: string,
  description: string
): Promise<void> {
  await http.json(
    updateModelVersionDescriptionRequest(name, version, description),
    emptyResponse
  )
}

/** Builds the request that points an alias at a version. */
export function setAliasRequest(
  name: string,
  alias: string,
  version: string
): ApiRequest {
  return {
    method: 'POST',
    path: `${API}/registered-models/alias`,
    json: { name, alias, version },
    operation: 'set alias',
    resource: `alias '${alias}' of ${modelResource(name)}`,
    idempotent: true
  }
}

/** Points an alias at a version; moving an alias twice is harmless. */
export async function setAlias(
  http: HttpClient,
  name: string,
  alias: string,
  version: string
): Promise<void> {
  await http.json(setAliasRequest(name, alias, version), emptyResponse)
}

/**
 * Gets the version an alias points to; undefined when the model or the
 * alias does not exist. It reads the registered model's alias list,
 * because for a missing alias MLflow 3.17's `registered-models/alias`
 * returns 400 `INVALID_PARAMETER_VALUE`, a code that also means bad input.
 */
export async function getModelVersionByAlias(
  http: HttpClient,
  name: string,
  alias: string
): Promise<ModelVersion | undefined> {
  const model = await getRegisteredModel(http, name)
  const target = model?.aliases.find(entry => entry.alias === alias)
  if (!target) return undefined
  return getModelVersion(http, name, target.version)
}

/** Gets the URI where a model version's files can be downloaded. */
export async function getModelVersionDownloadUri(
  http: HttpClient,
  name: string,
  version: string,
  where: RegistryChoice = {}
): Promise<string> {
  const response = await http.json(
    {
      method: 'GET',
      path: `${API}/model-versions/get-download-uri`,
      query: { name, version },
      operation: 'get model version download URI',
      resource: `version ${version} of ${modelResource(name)}`,
      idempotent: true,
      ...where
    },
    downloadUriResponse
  )
  return response.artifact_uri
}
