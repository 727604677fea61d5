import type { Tag } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { ApiRequest, HttpClient } from '../http/transport.js'
import { API } from './api-paths.js'
import {
  createExperimentResponse,
  emptyResponse,
  experimentResponse,
  listArtifactsResponse,
  runDataResponse,
  runResponse,
  getLoggedModelResponse,
  searchLoggedModelsResponse,
  searchRunsResponse,
  type RunWithData,
  type LoggedModel,
  type RunInfo
} from './schemas.js'
import { isNotFound } from './registry.js'

/**
 * Gets an experiment's id by name; undefined when there is none. A
 * deleted experiment is an error, as nothing can be logged to it.
 */
export async function getExperimentId(
  http: HttpClient,
  name: string
): Promise<string | undefined> {
  try {
    const response = await http.json(
      {
        method: 'GET',
        path: `${API}/experiments/get-by-name`,
        query: { experiment_name: name },
        operation: 'get experiment',
        resource: `experiment '${name}'`,
        idempotent: true
      },
      experimentResponse
    )
    const { experiment } = response
    if (experiment.lifecycle_stage === 'deleted') {
      throw deletedExperiment(name, experiment.experiment_id)
    }
    return experiment.experiment_id
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/**
 * MLflow keeps a deleted experiment, with its name, until `mlflow gc`
 * removes it: runs cannot be created in it, and a new experiment cannot
 * take its name (RESOURCE_ALREADY_EXISTS).
 */
function deletedExperiment(name: string, id: string): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'CLIENT_CONFIG',
      `Experiment '${name}' (id ${id}) is deleted, so the action can ` +
        'neither create a run in it nor create a new experiment with ' +
        'that name.',
      'Restore the experiment (experiments/restore or the MLflow UI), ' +
        'set `experiment-name` to another name, or have an admin remove ' +
        'it for good with `mlflow gc`.',
      {},
      `Experiment '${name}' is deleted`
    )
  )
}

/** Creates an experiment and returns its id. */
export async function createExperiment(
  http: HttpClient,
  name: string
): Promise<string> {
  const response = await http.json(
    {
      method: 'POST',
      path: `${API}/experiments/create`,
      json: { name },
      operation: 'create experiment',
      resource: `experiment '${name}'`,
      idempotent: false
    },
    createExperimentResponse
  )
  return response.experiment_id
}

/** Creates a run in an experiment. */
export async function createRun(
  http: HttpClient,
  experimentId: string,
  runName: string,
  tags: readonly Tag[]
): Promise<RunInfo> {
  const response = await http.json(
    {
      method: 'POST',
      path: `${API}/runs/create`,
      json: {
        experiment_id: experimentId,
        run_name: runName,
        start_time: Date.now(),
        tags
      },
      operation: 'create run',
      resource: `experiment ${experimentId}`,
      idempotent: false
    },
    runResponse
  )
  return response.run.info
}

/**
 * Finds a run of an experiment by the value of one tag; undefined when no
 * run carries it. MLflow's filter grammar quotes the tag key in backticks
 * and the value in single quotes, so neither may contain its own quote.
 */
export async function findRunByTag(
  http: HttpClient,
  experimentId: string,
  tag: Tag
): Promise<RunInfo | undefined> {
  const response = await http.json(
    {
      method: 'POST',
      path: `${API}/runs/search`,
      json: {
        experiment_ids: [experimentId],
        filter: `tags.\`${tag.key}\` = '${tag.value}'`,
        max_results: 1
      },
      operation: 'search runs',
      resource: `experiment ${experimentId}`,
      idempotent: true
    },
    searchRunsResponse
  )
  return response.runs[0]?.info
}

/** Marks a run finished or failed. */
export async function endRun(
  http: HttpClient,
  runId: string,
  status: 'FINISHED' | 'FAILED'
): Promise<void> {
  await http.json(
    {
      method: 'POST',
      path: `${API}/runs/update`,
      json: { run_id: runId, status, end_time: Date.now() },
      operation: 'end run',
      resource: `run ${runId}`,
      idempotent: true
    },
    emptyResponse
  )
}

/** Sets one tag of a run, replacing its value if the run has the tag. */
export async function setRunTag(
  http: HttpClient,
  runId: string,
  tag: Tag
): Promise<void> {
  await http.json(
    {
      method: 'POST',
      path: `${API}/runs/set-tag`,
      json: { run_id: runId, key: tag.key, value: tag.value },
      operation: 'set run tag',
      resource: `run ${runId}`,
      idempotent: true
    },
    emptyResponse
  )
}

/** Gets a run's info. */
export async function getRun(
  http: HttpClient,
  runId: string
): Promise<RunInfo> {
  return (await getRunWithData(http, runId)).info
}

/**
 * Gets a run with its latest metric values, params and tags. `runs/get`
 * returns every key at once; MLflow pages only a metric's history.
 */
export async function getRunWithData(
  http: HttpClient,
  runId: string
): Promise<RunWithData> {
  const response = await http.json(
    {
      method: 'GET',
      path: `${API}/runs/get`,
      query: { run_id: runId },
      operation: 'get run',
      resource: `run ${runId}`,
      idempotent: true
    },
    runDataResponse
  )
  return response.run
}

/** Lists a run's artifacts directly under `path`. */
export async function listRunArtifacts(
  http: HttpClient,
  runId: string,
  path: string,
  sending: Pick<ApiRequest, 'signal' | 'speculative'> = {}
): Promise<{ rootUri?: string; paths: string[] }> {
  const response = await http.json(
    {
      method: 'GET',
      path: `${API}/artifacts/list`,
      query: { run_id: runId, path },
      operation: 'list run artifacts',
      resource: `run ${runId}`,
      idempotent: true,
      ...sending
    },
    listArtifactsResponse
  )
  return {
    ...(response.root_uri ? { rootUri: response.root_uri } : {}),
    paths: response.files.map(file => file.path)
  }
}

/** Gets a logged model (MLflow 3) by its id, such as `m-0123...`. */
export async function getLoggedModel(
  http: HttpClient,
  modelId: string
): Promise<LoggedModel> {
  const response = await http.json(
    {
      method: 'GET',
      path: `${API}/logged-models/${encodeURIComponent(modelId)}`,
      operation: 'get logged model',
      resource: `logged model ${modelId}`,
      idempotent: true
    },
    getLoggedModelResponse
  )
  return response.model
}

/** Finds an experiment's logged models (MLflow 3) that match a filter. */
export async function searchLoggedModels(
  http: HttpClient,
  experimentId: string,
  filter: string
): Promise<LoggedModel[]> {
  const models: LoggedModel[] = []
  let pageToken: string | undefined
  do {
    const page = await http.json(
      {
        method: 'POST',
        path: `${API}/logged-models/search`,
        json: {
          experiment_ids: [experimentId],
          filter,
          page_token: pageToken
        },
        operation: 'search logged models',
        resource: `experiment ${experimentId}`,
        idempotent: true
      },
      searchLoggedModelsResponse
    )
    models.push(...page.models)
    pageToken = page.next_page_token
  } while (pageToken)
  return models
}
