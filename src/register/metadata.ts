import type { Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import {
  setAlias,
  setModelVersionTag,
  updateModelVersionDescription
} from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'

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
  const current = new Map(version.tags.map(tag => [tag.key, tag.value]))
  const changed = tags.filter(tag => current.get(tag.key) !== tag.value)
  for (const tag of changed) {
    await setModelVersionTag(http, version.name, version.version, tag)
  }
  if (changed.length > 0) {
    log.info(`Updated ${changed.length} tags on version ${version.version}`)
  }
  if (
    description !== undefined &&
    description !== (version.description ?? '')
  ) {
    await updateModelVersionDescription(
      http,
      version.name,
      version.version,
      description
    )
    log.info(`Updated the description of version ${version.version}`)
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
