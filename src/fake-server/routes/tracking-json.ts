import type {
  ExperimentRecord,
  LoggedModelRecord,
  RunRecord
} from '../store/tracking.js'
import { omitUndefined, tagsJson } from './registry-json.js'

/** Formats an experiment as MLflow 3.17.2 does, with its workspace. */
export function experimentJson(experiment: ExperimentRecord): object {
  return omitUndefined({
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: 'active',
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    tags: tagsJson(experiment.tags),
    workspace: 'default'
  })
}

/** Formats the `info` part of a run, with both `run_uuid` and `run_id`. */
export function runInfoJson(run: RunRecord): object {
  return omitUndefined({
    run_uuid: run.runId,
    experiment_id: run.experimentId,
    run_name: run.runName,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
    end_time: run.endTime,
    artifact_uri: run.artifactUri,
    lifecycle_stage: 'active',
    run_id: run.runId
  })
}

/**
 * Formats a whole run. MLflow 3.17.2 sends `outputs: {}` from `runs/get`
 * but not from `runs/create`.
 */
export function runJson(run: RunRecord, withOutputs: boolean): object {
  const tags = tagsJson(run.tags)
  return {
    info: runInfoJson(run),
    data: tags ? { tags } : {},
    inputs: {},
    ...(withOutputs ? { outputs: {} } : {})
  }
}

/** Formats an MLflow 3 logged model: `info` and an empty `data`. */
export function loggedModelJson(model: LoggedModelRecord): object {
  return {
    info: omitUndefined({
      model_id: model.modelId,
      experiment_id: model.experimentId,
      name: model.name,
      creation_timestamp_ms: model.creationTimestampMs,
      last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
      artifact_uri: model.artifactUri,
      status: model.status,
      model_type: model.modelType,
      source_run_id: model.sourceRunId || undefined,
      tags: tagsJson(model.tags)
    }),
    data: {}
  }
}
