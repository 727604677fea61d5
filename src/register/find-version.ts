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
  const tagFilter = `tags.\`${IDEMPOTENCY_TAG}\` = '${key}'`
  // A name with a quote cannot go into a filter safely; the name is then
  // matched here instead of on the server.
  const filter = modelName.includes("'")
    ? tagFilter
    : `name = '${modelName}' AND ${tagFilter}`
  const candidates = await searchModelVersions(
    http,
    filter,
    modelResource(modelName)
  )
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
