import type { Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { modelResource } from '../mlflow/api-paths.js'
import {
  getModelVersion,
  isNotFound,
  searchModelVersions,
  searchNewestVersions,
  searchVersionPage
} from '../mlflow/registry.js'
import type { ModelVersion, RegisteredModel } from '../mlflow/schemas.js'
import { IDEMPOTENCY_TAG } from './provenance.js'
import { CREATE_REQUEST_TAG } from './read-back-create.js'

/**
 * How many of the newest versions are read one by one when the version
 * search cannot be trusted. A re-run usually follows its first attempt
 * closely, so its version is among the newest.
 */
const EXACT_READ_VERSIONS = 20

/**
 * How many of the newest versions one search reads. A re-run follows its
 * first attempt, so its version is among them unless this many versions
 * were registered in between.
 */
const NEWEST_PAGE = 200

/**
 * Finds the version an earlier attempt registered with this idempotency
 * key. The search only finds candidates; an exact GET confirms each, as
 * searches can miss fields or lag. With several matches (registered
 * before this action guarded against it), the oldest wins.
 *
 * When `model` is given, one search reads its newest versions, which
 * also shows whether the search lists the newest version the registered
 * model lists. The versions it returns are added to `seen` when they
 * carry tags, so that later steps need not read them again.
 */
export async function findVersionByKey(
  http: HttpClient,
  modelName: string,
  key: string,
  log: Logger,
  model?: RegisteredModel,
  seen?: Map<string, ModelVersion>
): Promise<ModelVersion | undefined> {
  // Unity Catalog's search filters by name alone, so it has no quirk of
  // leaving out versions that a search by tag would hit.
  if (!model || http.isUnityCatalog) {
    return searchByKey(http, modelName, key, log)
  }
  const newest = newestVersion(model)
  if (newest === 0) return undefined
  // A name containing a quote cannot go into a filter, so such a model
  // is searched by tag alone, and the search is checked by the number
  // of its newest version alone.
  if (modelName.includes("'")) {
    const found = await searchByKey(http, modelName, key, log)
    if (found) return found
    const listed = await searchVersionPage(
      http,
      { filter: `version_number = ${newest}` },
      modelResource(modelName),
      NEWEST_PAGE
    )
    const seesNewest = listed.versions.some(
      version =>
        version.name === modelName && version.version === String(newest)
    )
    if (seesNewest) return undefined
    if (listed.complete) return readAfterIncompleteSearch(http, model, key, log)
    return readNewestVersions(http, modelName, newest, keyTag(key))
  }
  const page = await searchNewestVersions(http, modelName, NEWEST_PAGE)
  if (!page.versions.some(version => version.version === String(newest))) {
    return readAfterIncompleteSearch(http, model, key, log)
  }
  const matching = page.versions.filter(version => carriesKey(version, key))
  // A search that returns no tag at all may omit tags, so then only the
  // search by tag can show that no version carries the key.
  const tagsShown = page.versions.some(version => version.tags.length > 0)
  if (tagsShown) {
    for (const version of page.versions) seen?.set(version.version, version)
  }
  if (matching.length > 0 || (page.complete && tagsShown)) {
    return confirmOldest(http, modelName, keyTag(key), matching, log)
  }
  return searchByKey(http, modelName, key, log)
}

/** Reads the newest versions one by one after a search missed one. */
function readAfterIncompleteSearch(
  http: HttpClient,
  model: RegisteredModel,
  key: string,
  log: Logger
): Promise<ModelVersion | undefined> {
  const newest = newestVersion(model)
  log.warning(
    `The version search of '${model.name}' returned no version ${newest}, ` +
      'which exists, so the action reads the newest ' +
      `${Math.min(newest, EXACT_READ_VERSIONS)} versions one by one to ` +
      'find one registered with this idempotency key.',
    { title: 'Version search is incomplete' }
  )
  return readNewestVersions(http, model.name, newest, keyTag(key))
}

function carriesKey(version: ModelVersion, key: string): boolean {
  return carriesTag(version, keyTag(key))
}

function carriesTag(version: ModelVersion, tag: Tag): boolean {
  return version.tags.some(t => t.key === tag.key && t.value === tag.value)
}

function keyTag(key: string): Tag {
  return { key: IDEMPOTENCY_TAG, value: key }
}

function searchByKey(
  http: HttpClient,
  modelName: string,
  key: string,
  log: Logger
): Promise<ModelVersion | undefined> {
  return searchByTag(http, modelName, keyTag(key), log)
}

async function searchByTag(
  http: HttpClient,
  modelName: string,
  tag: Tag,
  log: Logger
): Promise<ModelVersion | undefined> {
  const candidates = await searchModelVersions(
    http,
    searchFilter(http, modelName, tag),
    modelResource(modelName)
  )
  // NOTE: on Unity Catalog every version of the model is a candidate, so
  // this sends one GET per version until one carries the tag.
  const matching = candidates.filter(version => version.name === modelName)
  return confirmOldest(http, modelName, tag, matching, log)
}

/**
 * Confirms candidates by exact reads and returns one: for the key the
 * oldest, for a create request's tag the newest, which is where its own
 * version is among all the versions a search on Unity Catalog returns.
 *
 * A version created with `force-new-version` carries the key of the same
 * content and a create request's tag. It was wanted as another version,
 * so for the key it comes after the others and is no duplicate.
 */
async function confirmOldest(
  http: HttpClient,
  modelName: string,
  tag: Tag,
  candidates: readonly ModelVersion[],
  log: Logger
): Promise<ModelVersion | undefined> {
  const byKey = tag.key === IDEMPOTENCY_TAG
  const matching = [...candidates].sort(
    byKey ? byKeyPreference : (a, b) => Number(b.version) - Number(a.version)
  )
  const unforced = matching.filter(version => !forced(version))
  if (byKey && unforced.length > 1) {
    log.warning(
      `Versions ${unforced.map(v => v.version).join(', ')} of ` +
        `'${modelName}' share idempotency key ${tag.value}; using the ` +
        'oldest.',
      { title: 'Duplicate model versions' }
    )
  }
  for (const candidate of matching) {
    const confirmed = await getModelVersion(http, modelName, candidate.version)
    if (carriesTag(confirmed, tag)) return confirmed
  }
  return undefined
}

/** Orders versions with one key: unforced before forced, then oldest. */
function byKeyPreference(a: ModelVersion, b: ModelVersion): number {
  return (
    Number(forced(a)) - Number(forced(b)) ||
    Number(a.version) - Number(b.version)
  )
}

/** Whether a version was created with `force-new-version`. */
function forced(version: ModelVersion): boolean {
  return version.tags.some(tag => tag.key === CREATE_REQUEST_TAG)
}

function newestVersion(model: RegisteredModel): number {
  return Math.max(0, ...model.latest_versions.map(v => Number(v.version)))
}

/**
 * Finds the version that carries a tag unique to one create request. A
 * search by the tag comes first. A search can lag behind a create that
 * committed moments ago, so when it finds nothing the newest versions
 * are read one by one. Unity Catalog lists no newest versions, and its
 * search by name already returns every version.
 */
export async function findVersionByRequestTag(
  http: HttpClient,
  model: RegisteredModel,
  tag: Tag,
  log: Logger
): Promise<ModelVersion | undefined> {
  const found = await searchByTag(http, model.name, tag, log)
  if (found || http.isUnityCatalog) return found
  const newest = newestVersion(model)
  if (newest === 0) return undefined
  return readNewestVersions(http, model.name, newest, tag)
}

/**
 * Reads the newest versions one by one, newest first. For a create
 * request's tag the first match is the one; for the key the matches are
 * ordered as {@link byKeyPreference} orders them.
 */
async function readNewestVersions(
  http: HttpClient,
  modelName: string,
  newest: number,
  tag: Tag
): Promise<ModelVersion | undefined> {
  const oldest = Math.max(1, newest - EXACT_READ_VERSIONS + 1)
  const matches: ModelVersion[] = []
  for (let number = newest; number >= oldest; number--) {
    let version: ModelVersion
    try {
      version = await getModelVersion(http, modelName, String(number))
    } catch (error) {
      // A deleted version keeps its number, so a gap is expected.
      if (isNotFound(error)) continue
      throw error
    }
    if (!carriesTag(version, tag)) continue
    if (tag.key !== IDEMPOTENCY_TAG) return version
    matches.push(version)
  }
  return matches.sort(byKeyPreference)[0]
}

/**
 * Builds the search filter for the versions with a tag, whose value
 * contains no quote. Unity Catalog's search accepts only one `name =
 * '...'` (or `run_id`) condition, as MLflow 3.17's store states, so
 * there the tag is matched on the client. A name with a quote cannot
 * go into a filter safely, so it is matched on the client too.
 */
function searchFilter(http: HttpClient, modelName: string, tag: Tag) {
  const tagFilter = `tags.\`${tag.key}\` = '${tag.value}'`
  if (http.isUnityCatalog) return `name = '${modelName}'`
  if (modelName.includes("'")) return tagFilter
  return `name = '${modelName}' AND ${tagFilter}`
}
