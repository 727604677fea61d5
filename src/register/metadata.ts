import type { Tag } from '../config/config.js'
import { AVAILABILITY_CODES } from '../diagnosis/codes.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import { HttpError } from '../http/errors.js'
import type { ApiRequest, HttpClient } from '../http/transport.js'
import {
  setAlias,
  setModelVersionTagRequest,
  updateModelVersionDescriptionRequest
} from '../mlflow/registry.js'
import { emptyResponse, type ModelVersion } from '../mlflow/schemas.js'
import { classifyFailure } from '../preflight/classify.js'

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
  for (const [index, request] of requests.entries()) {
    try {
      await http.json(request, emptyResponse)
    } catch (error) {
      throw explainUnappliedChanges(error, version, requests.slice(index))
    }
  }
  if (requests.length > 0) {
    log.info(
      `Updated version ${version.version}: ${requests.length} tag or ` +
        'description changes'
    )
  }
}

/**
 * Points each alias at the version. A server that rejects an alias the
 * local checks passed (another registry, a newer rule) does so after the
 * version exists, so the error names the version left without which
 * aliases.
 */
export async function setAliases(
  http: HttpClient,
  version: ModelVersion,
  aliases: readonly string[],
  log: Logger
): Promise<void> {
  for (const [index, alias] of aliases.entries()) {
    try {
      await setAlias(http, version.name, alias, version.version)
    } catch (error) {
      throw explainAliasRejection(error, version, aliases.slice(index))
    }
    // A re-run sets the alias again, because it may have moved after the
    // version was read, and the log reports when it did not move.
    const verb = version.aliases.includes(alias) ? 'still' : 'now'
    log.info(`Alias '${alias}' ${verb} points to version ${version.version}`)
  }
}

/**
 * Adds to a failed tag or description update what the reused version is
 * left without, since the version itself exists.
 */
function explainUnappliedChanges(
  error: unknown,
  version: ModelVersion,
  unapplied: readonly ApiRequest[]
): unknown {
  const diagnosis = classifyFailure(error)
  // Availability failures stay as they are, so they can still be deferred.
  if (AVAILABILITY_CODES.has(diagnosis.code)) return error
  const changes = unapplied.map(request => {
    const key = (request.json as { key?: unknown } | undefined)?.key
    return typeof key === 'string' ? `tag '${key}'` : 'the description'
  })
  return new DiagnosedError(
    {
      ...diagnosis,
      detail:
        `${diagnosis.detail} Version ${version.version} of ` +
        `'${version.name}' exists without these changes: ` +
        `${changes.join(', ')}.`
    },
    { cause: error }
  )
}

function explainAliasRejection(
  error: unknown,
  version: ModelVersion,
  unset: readonly string[]
): unknown {
  const isRejection =
    error instanceof HttpError &&
    error.response.status >= 400 &&
    error.response.status < 500 &&
    classifyFailure(error).code === 'CLIENT_CONFIG'
  if (!isRejection) return error
  const reason = error.response.errorBody?.message ?? error.response.body
  const diagnosis = diagnose(
    'CLIENT_CONFIG',
    `The server rejected alias '${unset[0] ?? ''}': ${reason}. Version ` +
      `${version.version} of '${version.name}' exists without the aliases ` +
      `${unset.map(alias => `'${alias}'`).join(', ')}.`,
    'Change `aliases` to names this registry accepts and run the job ' +
      `again: the re-run reuses version ${version.version} (same ` +
      'idempotency key) instead of creating another.',
    classifyFailure(error).evidence,
    'The server rejected an alias'
  )
  return new DiagnosedError(diagnosis, { cause: error })
}
