import type { MetricGate } from '../config/metric-gates.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { getModelVersionByAlias } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import {
  diffVersions,
  listMetrics,
  type MetricChange,
  type ModelChange,
  type ValueChange
} from './compare.js'
import { evaluateGates, type GateResult } from './gates.js'
import { describeVerdict } from './verdict.js'
import { readVersionFacts, type VersionFacts } from './version-facts.js'

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

/**
 * Compares the new version with the version that `alias` points to now
 * and evaluates the metric gates. Reads only; moves no alias.
 */
export async function compareRelease(
  http: HttpClient,
  candidate: ModelVersion,
  alias: string,
  gates: readonly MetricGate[],
  log: Logger
): Promise<ReleaseComparison> {
  const current = await getModelVersionByAlias(http, candidate.name, alias)
  const isCandidate = current?.version === candidate.version
  const candidateFacts = await readVersionFacts(http, candidate)
  const baselineFacts =
    current && !isCandidate ? await readVersionFacts(http, current) : undefined
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
