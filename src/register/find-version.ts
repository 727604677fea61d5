import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { modelResource } from '../mlflow/api-paths.js'
import {
  getModelVersion,
  isNotFound,
  searchModelVersions
} from '../mlflow/registry.js'
import type { ModelVersion, RegisteredModel } from '../mlflow/schemas.js'
import { IDEMPOTENCY_TAG } from './provenance.js'

/**
 * How many of the newest versions are read one by one when the version
 * search cannot be trusted. A re-run usually follows its first attempt
 * closely, so its version is among the newest.
 */
const EXACT_READ_VERSIONS = 20

/**
 * Finds the version an earlier attempt registered with this idempotency
 * key. The search only finds candidates; an exact GET confirms each, as
 * searches can miss fields or lag. With several matches (registered
 * before this action guarded against it), the oldest wins. When `model`
 * is given and the search finds nothing, the search is checked against
 * the model's newest version before "no such version" is concluded.
 */
export async function findVersionByKey(
  http: HttpClient,
  modelName: string,
  key: string,
  log: Logger,
  model?: RegisteredModel
): Promise<ModelVersion | undefined> {
  const found = await searchByKey(http, modelName, key, log)
  // Unity Catalog's search filters by name alone, so it has no quirk of
  // leaving out versions that a search by tag would hit.
  if (found || !model || http.isUnityCatalog) return found
  const newest = newestVersion(model)
  if (newest === 0) return undefined
  if (await searchSeesVersion(http, modelName, newest)) return undefined
  log.warning(
    `The version search of '${modelName}' returned no version ${newest}, ` +
      'which exists, so the action reads the newest ' +
      `${Math.min(newest, EXACT_READ_VERSIONS)} versions one by one to ` +
      'find one registered with this idempotency key.',
    { title: 'Version search is incomplete' }
  )
  return readNewestVersions(http, modelName, key, newest)
}

async function searchByKey(
  http: HttpClient,
  modelName: string,
  key: string,
  log: Logger
): Promise<ModelVersion | undefined> {
  const candidates = await searchModelVersions(
    http,
    searchFilter(http, modelName, key),
    modelResource(modelName)
  )
  // NOTE: on Unity Catalog every version of the model is a candidate, so
  // this sends one GET per version until one carries the key.
  const matching = candidates
    .filter(version => version.name === modelName)
    .sort((a, b) => Number(a.version) - Number(b.version))
  if (matching.length > 1) {
    log.warning(
      `Versions ${matching.map(v => v.version).join(', ')} of ` +
        `'${modelName}' share idempotency key ${key}; using the oldest.`,
      { title: 'Duplicate model versions' }
    )
  }
  for (const candidate of matching) {
    const confirmed = await getModelVersion(http, modelName, candidate.version)
    const tag = confirmed.tags.find(t => t.key === IDEMPOTENCY_TAG)
    if (tag?.value === key) return confirmed
  }
  return undefined
}

function newestVersion(model: RegisteredModel): number {
  return Math.max(0, ...model.latest_versions.map(v => Number(v.version)))
}

/** Checks that a search by name and number returns a version it should. */
async function searchSeesVersion(
  http: HttpClient,
  modelName: string,
  version: number
): Promise<boolean> {
  // NOTE: a name containing a quote cannot go into a filter, so for such
  // names the search is taken as incomplete and the exact reads run.
  if (modelName.includes("'")) return false
  const found = await searchModelVersions(
    http,
    `name = '${modelName}' AND version_number = ${version}`,
    modelResource(modelName)
  )
  return found.some(candidate => candidate.version === String(version))
}

async function readNewestVersions(
  http: HttpClient,
  modelName: string,
  key: string,
  newest: number
): Promise<ModelVersion | undefined> {
  const oldest = Math.max(1, newest - EXACT_READ_VERSIONS + 1)
  let match: ModelVersion | undefined
  for (let number = newest; number >= oldest; number--) {
    let version: ModelVersion
    try {
      version = await getModelVersion(http, modelName, String(number))
    } catch (error) {
      // A deleted version keeps its number, so a gap is expected.
      if (isNotFound(error)) continue
      throw error
    }
    const tag = version.tags.find(t => t.key === IDEMPOTENCY_TAG)
    if (tag?.value === key) match = version
  }
  return match
}

/**
 * Builds the search filter. Unity Catalog's search accepts only one
 * `name = '...'` (or `run_id`) condition, as MLflow 3.17's store states,
 * so there the tag is matched on the client. A name with a quote cannot
 * go into a filter safely, so it is matched on the client too.
 */
function searchFilter(http: HttpClient, modelName: string, key: string) {
  const tagFilter = `tags.\`${IDEMPOTENCY_TAG}\` = '${key}'`
  if (http.isUnityCatalog) return `name = '${modelName}'`
  if (modelName.includes("'")) return tagFilter
  return `name = '${modelName}' AND ${tagFilter}`
}
