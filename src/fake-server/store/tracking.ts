import { randomUUID } from 'node:crypto'

import { MlflowError, notFound } from '../mlflow-error.js'
import type { Tag } from '../params.js'
import { generateRunName } from './run-names.js'

/** One experiment as the fake stores it. */
export interface ExperimentRecord {
  readonly experimentId: string
  readonly name: string
  readonly artifactLocation: string
  readonly creationTime: number
  lastUpdateTime: number
  readonly tags: Map<string, string>
}

/** One run as the fake stores it. */
export interface RunRecord {
  readonly runId: string
  readonly experimentId: string
  runName: string
  readonly userId: string
  status: string
  readonly startTime: number
  endTime?: number
  readonly artifactUri: string
  /** Tags in the order they were set; MLflow adds `mlflow.runName`. */
  readonly tags: Map<string, string>
}

/** The statuses of an MLflow 3 logged model. */
export type LoggedModelStatus =
  'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'

/** One MLflow 3 logged model as the fake stores it. */
export interface LoggedModelRecord {
  readonly modelId: string
  readonly experimentId: string
  readonly name: string
  readonly creationTimestampMs: number
  lastUpdatedTimestampMs: number
  readonly artifactUri: string
  status: LoggedModelStatus
  readonly modelType: string
  readonly sourceRunId: string
  readonly tags: Map<string, string>
}

/** The fields of a new run. */
export interface NewRun {
  readonly experimentId: string
  readonly runName?: string
  readonly userId: string
  readonly startTime: number
  readonly tags: readonly Tag[]
}

/**
 * Experiments, runs and logged models in memory. Artifact locations sit
 * below `artifactRoot`, which is `mlflow-artifacts:` when the fake proxies
 * artifacts, as on a real server started with `--serve-artifacts`.
 */
export class TrackingStore {
  private readonly experiments = new Map<string, ExperimentRecord>()
  private readonly runs = new Map<string, RunRecord>()
  private readonly loggedModels = new Map<string, LoggedModelRecord>()
  private nextExperimentId = 0

  constructor(
    private readonly artifactRoot: string,
    private readonly now: () => number,
    private readonly random: () => number
  ) {
    this.createExperiment('Default')
  }

  /** Creates an experiment with the next numeric id. */
  createExperiment(name: string): ExperimentRecord {
    if (this.findExperimentByName(name)) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Experiment(name=${name}) already exists.`
      )
    }
    const experimentId = String(this.nextExperimentId++)
    const time = this.now()
    const experiment: ExperimentRecord = {
      experimentId,
      name,
      artifactLocation: `${this.artifactRoot}/${experimentId}`,
      creationTime: time,
      lastUpdateTime: time,
      tags: new Map()
    }
    this.experiments.set(experimentId, experiment)
    return experiment
  }

  /** Finds an experiment by exact name. */
  findExperimentByName(name: string): ExperimentRecord | undefined {
    return [...this.experiments.values()].find(e => e.name === name)
  }

  /** Finds an experiment by id. */
  findExperiment(experimentId: string): ExperimentRecord | undefined {
    return this.experiments.get(experimentId)
  }

  /** Gets an experiment by id or raises MLflow's not-found error. */
  getExperiment(experimentId: string): ExperimentRecord {
    const experiment = this.experiments.get(experimentId)
    if (!experiment) {
      throw notFound(`No Experiment with id=${experimentId} exists`)
    }
    return experiment
  }

  /** Creates a run; MLflow records its name as the `mlflow.runName` tag. */
  createRun(fields: NewRun): RunRecord {
    const experiment = this.getExperiment(fields.experimentId)
    const runId = randomUUID().replaceAll('-', '')
    const runName = fields.runName?.length
      ? fields.runName
      : generateRunName(this.random)
    const tags = new Map(fields.tags.map(tag => [tag.key, tag.value]))
    tags.set('mlflow.runName', runName)
    const run: RunRecord = {
      runId,
      experimentId: experiment.experimentId,
      runName,
      userId: fields.userId,
      status: 'RUNNING',
      startTime: fields.startTime,
      artifactUri: `${experiment.artifactLocation}/${runId}/artifacts`,
      tags
    }
    this.runs.set(runId, run)
    return run
  }

  /** Finds a run by id. */
  findRun(runId: string): RunRecord | undefined {
    return this.runs.get(runId)
  }

  /** Lists the runs of the given experiments, oldest first. */
  listRuns(experimentIds: readonly string[]): RunRecord[] {
    const wanted = new Set(experimentIds)
    return [...this.runs.values()].filter(run => wanted.has(run.experimentId))
  }

  /** Gets a run by id or raises MLflow's not-found error. */
  getRun(runId: string): RunRecord {
    const run = this.runs.get(runId)
    if (!run) throw notFound(`Run with id=${runId} not found`)
    return run
  }

  /** Creates a pending logged model in an experiment. */
  createLoggedModel(fields: {
    experimentId: string
    name: string
    modelType: string
    sourceRunId: string
    tags: readonly Tag[]
  }): LoggedModelRecord {
    const experiment = this.getExperiment(fields.experimentId)
    const modelId = `m-${randomUUID().replaceAll('-', '')}`
    const time = this.now()
    const model: LoggedModelRecord = {
      modelId,
      experimentId: experiment.experimentId,
      name: fields.name,
      creationTimestampMs: time,
      lastUpdatedTimestampMs: time,
      artifactUri: `${experiment.artifactLocation}/models/${modelId}/artifacts`,
      status: 'LOGGED_MODEL_PENDING',
      modelType: fields.modelType,
      sourceRunId: fields.sourceRunId,
      tags: new Map(fields.tags.map(tag => [tag.key, tag.value]))
    }
    this.loggedModels.set(modelId, model)
    return model
  }

  /** Finds a logged model by id. */
  findLoggedModel(modelId: string): LoggedModelRecord | undefined {
    return this.loggedModels.get(modelId)
  }

  /** Gets a logged model or raises MLflow's not-found error. */
  getLoggedModel(modelId: string): LoggedModelRecord {
    const model = this.loggedModels.get(modelId)
    if (!model) {
      throw notFound(`Logged model with ID '${modelId}' not found.`)
    }
    return model
  }

  /** Lists the logged models of some experiments, newest first. */
  listLoggedModels(experimentIds: readonly string[]): LoggedModelRecord[] {
    return [...this.loggedModels.values()]
      .filter(model => experimentIds.includes(model.experimentId))
      .sort((a, b) => b.creationTimestampMs - a.creationTimestampMs)
  }

  /** Clears everything but the Default experiment. */
  clear(): void {
    this.experiments.clear()
    this.runs.clear()
    this.loggedModels.clear()
    this.nextExperimentId = 0
    this.createExperiment('Default')
  }
}
