import { ConnectionError, HttpError } from '../http/errors.js'
import type { HttpClient } from '../http/transport.js'
import { isNotFound } from '../mlflow/registry.js'
import type { ModelVersion, RunWithData } from '../mlflow/schemas.js'
import { getRunWithData } from '../mlflow/tracking.js'
import { IDEMPOTENCY_TAG } from '../register/provenance.js'
import { CREATE_REQUEST_TAG } from '../register/read-back-create.js'
import type { SourceReads } from '../register/source.js'
import {
  parseModelFacts,
  readModelFacts,
  type ModelFacts
} from './model-file.js'

/**
 * Tags whose values the action sets for its own bookkeeping and which
 * describe nothing about the model. The `ci.*` tags are compared as
 * provenance instead.
 */
const BOOKKEEPING_TAGS = new Set([IDEMPOTENCY_TAG, CREATE_REQUEST_TAG])

/** A version's origin, read back from its CI provenance tags. */
export interface VersionProvenance {
  readonly repository?: string
  readonly commit?: string
  readonly runUrl?: string
}

/** The facts about one model version that the release comparison uses. */
export interface VersionFacts {
  readonly version: string
  readonly source?: string
  readonly runId?: string
  readonly creator?: string
  /** Registration time as an ISO 8601 string. */
  readonly createdAt?: string
  readonly provenance: VersionProvenance
  /** Version tags set by users, without the provenance tags. */
  readonly tags: ReadonlyMap<string, string>
  readonly metrics?: ReadonlyMap<string, number>
  readonly params?: ReadonlyMap<string, string>
  /** The reason metrics and params are missing, or a note on deletion. */
  readonly runNote?: string
  readonly model?: ModelFacts
  /** The reason the flavors, signature and size are missing. */
  readonly modelNote?: string
}

/**
 * Reads a version's source run and `MLmodel` file, unless resolving its
 * source already read them. A run or file that cannot be read leaves a
 * note instead of failing the registration.
 */
export async function readVersionFacts(
  http: HttpClient,
  version: ModelVersion,
  reads?: SourceReads
): Promise<VersionFacts> {
  const known = readsOf(version, reads)
  // The run and the MLmodel file are independent reads, sent together.
  const [run, model] = await Promise.all([
    known ? runPart(known.run) : readRun(http, version.run_id),
    known?.modelText === undefined
      ? readModel(http, version)
      : modelPart(parseModelFacts(known.modelText))
  ])
  return { ...describeVersion(version), ...run, ...model }
}

/**
 * Describes a version from itself and from what resolving its source
 * read, without sending a request.
 */
export function knownVersionFacts(
  version: ModelVersion,
  reads?: SourceReads
): VersionFacts {
  const known = readsOf(version, reads)
  return {
    ...describeVersion(version),
    ...(known ? runPart(known.run) : {}),
    ...(known?.modelText === undefined
      ? {}
      : modelPart(parseModelFacts(known.modelText)))
  }
}

/** Returns the source's reads if they belong to the version's run. */
function readsOf(
  version: ModelVersion,
  reads: SourceReads | undefined
): SourceReads | undefined {
  return reads?.run.info.run_id === version.run_id ? reads : undefined
}

/** Collects the facts that the version itself carries. */
function describeVersion(version: ModelVersion): VersionFacts {
  const tags = new Map(version.tags.map(tag => [tag.key, tag.value]))
  return {
    version: version.version,
    ...present('source', version.source),
    ...present('runId', version.run_id),
    ...present('creator', version.user_id),
    ...present('createdAt', isoTime(version.creation_timestamp)),
    provenance: {
      ...present('repository', tags.get('ci.repository')),
      ...present('commit', tags.get('ci.commit')),
      ...present('runUrl', tags.get('ci.run_url'))
    },
    tags: new Map(
      [...tags].filter(
        ([key]) => !key.startsWith('ci.') && !BOOKKEEPING_TAGS.has(key)
      )
    )
  }
}

type RunPart = Pick<VersionFacts, 'metrics' | 'params' | 'runNote'>

async function readRun(
  http: HttpClient,
  runId: string | undefined
): Promise<RunPart> {
  if (!runId) return { runNote: 'the version has no source run' }
  try {
    return runPart(await getRunWithData(http, runId))
  } catch (error) {
    return { runNote: unreadableReason(error, `source run ${runId}`) }
  }
}

function runPart({ info, data }: RunWithData): RunPart {
  // MLflow deletes runs softly: a deleted run's data is still readable.
  const deleted = info.lifecycle_stage === 'deleted'
  return {
    metrics: new Map(data.metrics.map(m => [m.key, m.value])),
    params: new Map(data.params.map(p => [p.key, p.value])),
    ...(deleted ? { runNote: `source run ${info.run_id} is deleted` } : {})
  }
}

type ModelPart = Pick<VersionFacts, 'model' | 'modelNote'>

async function readModel(
  http: HttpClient,
  version: ModelVersion
): Promise<ModelPart> {
  try {
    return modelPart(await readModelFacts(http, version))
  } catch (error) {
    return { modelNote: unreadableReason(error, 'MLmodel') }
  }
}

function modelPart(
  facts: ModelFacts | { readonly unreadable: string }
): ModelPart {
  if ('unreadable' in facts) {
    return { modelNote: `MLmodel not read: ${facts.unreadable}` }
  }
  return { model: facts }
}

/**
 * Describes why a read failed. Only HTTP and connection failures are
 * expected here; anything else is a bug and propagates.
 */
function unreadableReason(error: unknown, what: string): string {
  if (isNotFound(error)) return `${what} was not found (deleted?)`
  if (error instanceof HttpError) {
    const code = error.errorCode ? ` ${error.errorCode}` : ''
    return `${what} could not be read: HTTP ${error.response.status}${code}`
  }
  if (error instanceof ConnectionError) {
    return `${what} could not be read: ${error.code}`
  }
  throw error
}

function isoTime(milliseconds: number | undefined): string | undefined {
  if (milliseconds === undefined || !Number.isFinite(milliseconds)) {
    return undefined
  }
  return new Date(milliseconds).toISOString()
}

function present<K extends string>(
  key: K,
  value: string | undefined
): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {}
}
