import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { modelResource } from '../mlflow/api-paths.js'
import { getModelVersion, searchModelVersions } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { IDEMPOTENCY_TAG } from './provenance.js'

/**
 * Finds the version an earlier attempt registered with this idempotency
 * key. The search only finds candidates; an exact GET confirms each, as
 * searches can miss fields or lag. With several matches (registered
 * before this action guarded against it), the oldest wins.
 */
export async function findVersionByKey(
  http: HttpClient,
  modelName: string,
  key: string,
  log: Logger
): Promise<ModelVersion | undefined> {
  const filter = searchFilter(http, modelName, key)
  const candidates = await searchModelVersions(
    http,
    filter,
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
