import type { MetricGate } from '../config/metric-gates.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { getModelVersion, getModelVersionByAlias } from '../mlflow/registry.js'
import type { ModelAlias, ModelVersion } from '../mlflow/schemas.js'
import type { SourceReads } from '../register/source.js'
import {
  diffVersions,
  listMetrics,
  type MetricChange,
  type ModelChange,
  type ValueChange
} from './compare.js'
import { evaluateGates, type GateResult } from './gates.js'
import { describeVerdict } from './verdict.js'
import {
  knownVersionFacts,
  readVersionFacts,
  type VersionFacts
} from './version-facts.js'

/** One version as the comparison reports it; plain JSON. */
export interface VersionReport {
  readonly version: string
  readonly source?: string
  readonly runId?: string
  readonly creator?: string
  readonly createdAt?: string
  readonly repository?: string
  readonly commit?: string
  readonly runUrl?: string
  readonly flavors?: readonly string[]
  readonly sizeBytes?: number
  readonly runNote?: string
  readonly modelNote?: string
}

/**
 * The new version beside the one the first alias points to now: the
 * `comparison` output, the job summary's release table and the gates.
 */
export interface ReleaseComparison {
  readonly alias: string
  readonly candidate: VersionReport
  /** Absent for a first release, when the alias points to no version. */
  readonly baseline?: VersionReport
  readonly metrics: readonly MetricChange[]
  readonly params: readonly ValueChange[]
  readonly tags: readonly ValueChange[]
  readonly model?: ModelChange
  readonly gates: readonly GateResult[]
  /** One line for the log and the summary. */
  readonly verdict: string
}

/** Facts the registration already read, so the comparison reads less. */
export interface KnownFacts {
  /**
   * The registered model's aliases as read a moment ago; empty when this
   * run created the model.
   */
  readonly aliases?: readonly ModelAlias[] | undefined
  /** The candidate's run and MLmodel text, read when its source resolved. */
  readonly sourceReads?: SourceReads | undefined
  /** Versions of the model as a search returned them a moment ago. */
  readonly versions?: ReadonlyMap<string, ModelVersion> | undefined
}

/**
 * Compares the new version with the version that `alias` points to now
 * and evaluates the metric gates. Reads only; moves no alias.
 */
export async function compareRelease(
  http: HttpClient,
  candidate: ModelVersion,
  alias: string,
  gates: readonly MetricGate[],
  log: Logger,
  known: KnownFacts = {}
): Promise<ReleaseComparison> {
  const current = await aliasTarget(http, candidate.name, alias, known)
  const isCandidate = current?.version === candidate.version
  // A first release without a gate compares nothing, so the candidate's
  // run and MLmodel are used only when resolving its source read them.
  const compares = current !== undefined || gates.length > 0
  const [candidateFacts, baselineFacts] = await Promise.all([
    compares
      ? readVersionFacts(http, candidate, known.sourceReads)
      : knownVersionFacts(candidate, known.sourceReads),
    current && !isCandidate ? readVersionFacts(http, current) : undefined
  ])
  const gateResults = evaluateGates(gates, candidateFacts, {
    alias,
    isCandidate,
    ...(current ? { facts: baselineFacts ?? candidateFacts } : {})
  })
  const comparison = buildComparison(
    alias,
    candidateFacts,
    baselineFacts,
    gateResults,
    isCandidate
  )
  log.info(comparison.verdict)
  return comparison
}

async function aliasTarget(
  http: HttpClient,
  name: string,
  alias: string,
  known: KnownFacts
): Promise<ModelVersion | undefined> {
  if (!known.aliases) return getModelVersionByAlias(http, name, alias)
  const target = known.aliases.find(entry => entry.alias === alias)
  if (!target) return undefined
  return (
    known.versions?.get(target.version) ??
    getModelVersion(http, name, target.version)
  )
}

/**
 * Fails the run when a gate failed, before any alias moves. The version
 * stays registered; only the aliases keep their old targets.
 */
export function enforceGates(comparison: ReleaseComparison): void {
  const failed = comparison.gates.filter(gate => !gate.passed)
  if (failed.length === 0) return
  const old = comparison.baseline
    ? `version ${comparison.baseline.version}`
    : 'no version'
  throw new DiagnosedError(
    diagnose(
      'METRIC_GATE_FAILED',
      `Version ${comparison.candidate.version} is registered, but ` +
        failed
          .map(gate => `'${gate.gate}' failed (${gate.reason})`)
          .join('; ') +
        `, so the aliases were not moved: '${comparison.alias}' still ` +
        `points to ${old}.`,
      'Improve the model and run again, or change `require-metric` if the ' +
        'condition is wrong. To release this version anyway, set the alias ' +
        'in the MLflow UI or run again without the gate.'
    )
  )
}

function buildComparison(
  alias: string,
  candidate: VersionFacts,
  baseline: VersionFacts | undefined,
  gates: GateResult[],
  isCandidate: boolean
): ReleaseComparison {
  const diff = baseline ? diffVersions(baseline, candidate) : undefined
  const comparison = {
    alias,
    candidate: reportVersion(candidate),
    ...(baseline ? { baseline: reportVersion(baseline) } : {}),
    metrics: diff?.metrics ?? listMetrics(candidate.metrics),
    params: diff?.params ?? [],
    tags: diff?.tags ?? [],
    ...(diff ? { model: diff.model } : {}),
    gates
  }
  return { ...comparison, verdict: describeVerdict(comparison, isCandidate) }
}

function reportVersion(facts: VersionFacts): VersionReport {
  const report = {
    version: facts.version,
    source: facts.source,
    runId: facts.runId,
    creator: facts.creator,
    createdAt: facts.createdAt,
    ...facts.provenance,
    flavors: facts.model?.flavors,
    sizeBytes: facts.model?.sizeBytes,
    runNote: facts.runNote,
    modelNote: facts.modelNote
  }
  // Optional fields are left out rather than set to undefined, so the
  // JSON output and the typed report agree.
  return Object.fromEntries(
    Object.entries(report).filter(([, value]) => value !== undefined)
  ) as unknown as VersionReport
}
