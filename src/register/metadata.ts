import type { Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { ApiRequest, HttpClient } from '../http/transport.js'
import {
  setAlias,
  setModelVersionTagRequest,
  updateModelVersionDescriptionRequest
} from '../mlflow/registry.js'
import { emptyResponse, type ModelVersion } from '../mlflow/schemas.js'

/**
 * Builds the requests that bring a reused version's tags and description
 * up to what this run sets: one per changed tag, and one for a changed
 * description.
 */
export function reusedVersionRequests(
  version: ModelVersion,
  tags: readonly Tag[],
  description: string | undefined
): ApiRequest[] {
  const current = new Map(version.tags.map(tag => [tag.key, tag.value]))
  const requests = tags
    .filter(tag => current.get(tag.key) !== tag.value)
    .map(tag => setModelVersionTagRequest(version.name, version.version, tag))
  if (
    description !== undefined &&
    description !== (version.description ?? '')
  ) {
    requests.push(
      updateModelVersionDescriptionRequest(
        version.name,
        version.version,
        description
      )
    )
  }
  return requests
}

/**
 * Brings a reused version's tags and description up to what this run
 * asks for; a new version got them in its create request.
 */
export async function updateReusedVersion(
  http: HttpClient,
  version: ModelVersion,
  tags: readonly Tag[],
  description: string | undefined,
  log: Logger
): Promise<void> {
  const requests = reusedVersionRequests(version, tags, description)
  for (const request of requests) await http.json(request, emptyResponse)
  if (requests.length > 0) {
    log.info(
      `Updated version ${version.version}: ${requests.length} tag or ` +
        'description changes'
    )
  }
}

/** Points each alias at the version. */
export async function setAliases(
  http: HttpClient,
  version: ModelVersion,
  aliases: readonly string[],
  log: Logger
): Promise<void> {
  for (const alias of aliases) {
    await setAlias(http, version.name, alias, version.version)
    log.info(`Alias '${alias}' now points to version ${version.version}`)
  }
}
