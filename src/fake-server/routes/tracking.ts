import { z } from 'zod'

import {
  canCreateInExperiment,
  canReadExperiment,
  canReadRun,
  canUpdateRun
} from '../auth/rules.js'
import { messageResponse } from '../exchange.js'
import { notFound } from '../mlflow-error.js'
import {
  authParam,
  intLike,
  optionalString,
  parseParams,
  peekParam,
  requiredString,
  tagList
} from '../params.js'
import type { Route, RouteContext } from '../state.js'
import {
  joinArtifactPath,
  proxyPathOf,
  safeArtifactPath
} from './artifact-paths.js'
import { experimentJson, runInfoJson, runJson } from './tracking-json.js'

const API = '/api/2.0/mlflow'

function createExperiment(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    artifact_location: optionalString,
    tags: tagList
  })
  const experiment = context.state.tracking.createExperiment(params.name)
  for (const tag of params.tags ?? []) experiment.tags.set(tag.key, tag.value)
  const user = context.access.user
  if (user && !user.isAdmin) {
    context.state.users.grant(
      user.username,
      'experiment',
      experiment.experimentId,
      'MANAGE'
    )
  }
  return messageResponse({ experiment_id: experiment.experimentId })
}

function getExperimentByName(context: RouteContext) {
  const { experiment_name: name } = parseParams(context.request, {
    experiment_name: requiredString
  })
  const experiment = context.state.tracking.findExperimentByName(name)
  if (!experiment) {
    throw notFound(`Could not find experiment with name '${name}'`)
  }
  return messageResponse({ experiment: experimentJson(experiment) })
}

/**
 * The basic-auth app looks the experiment up before the handler does and
 * words its own not-found error, without quotes around the name.
 */
function canReadExperimentByName(context: RouteContext): boolean {
  const name = authParam(context.request, 'experiment_name')
  const experiment = context.state.tracking.findExperimentByName(name)
  if (!experiment) {
    throw notFound(`Could not find experiment with name ${name}`)
  }
  return context.access.experiment(experiment.experimentId).canRead
}

function getExperiment(context: RouteContext) {
  const { experiment_id: id } = parseParams(context.request, {
    experiment_id: requiredString
  })
  const experiment = context.state.tracking.getExperiment(id)
  return messageResponse({ experiment: experimentJson(experiment) })
}

function createRun(context: RouteContext) {
  const params = parseParams(context.request, {
    experiment_id: optionalString,
    user_id: optionalString,
    start_time: intLike(Number.MAX_SAFE_INTEGER),
    run_name: optionalString,
    tags: tagList
  })
  const run = context.state.tracking.createRun({
    experimentId: params.experiment_id ?? '',
    ...(params.run_name === undefined ? {} : { runName: params.run_name }),
    userId: params.user_id ?? '',
    startTime: params.start_time ?? 0,
    tags: params.tags ?? []
  })
  return messageResponse({ run: runJson(run, false) })
}

function runIdParams(context: RouteContext) {
  const runId = peekParam(context.request, 'run_uuid')
  const params = parseParams(context.request, {
    run_id: runId ? optionalString : requiredString
  })
  return params.run_id ?? runId
}

function getRun(context: RouteContext) {
  const run = context.state.tracking.getRun(runIdParams(context))
  return messageResponse({ run: runJson(run, true) })
}

function updateRun(context: RouteContext) {
  const params = parseParams(context.request, {
    run_id: requiredString,
    status: optionalString,
    end_time: intLike(Number.MAX_SAFE_INTEGER),
    run_name: optionalString
  })
  const run = context.state.tracking.getRun(params.run_id)
  if (params.status !== undefined) run.status = params.status
  if (params.end_time !== undefined) run.endTime = params.end_time
  if (params.run_name) {
    run.runName = params.run_name
    run.tags.set('mlflow.runName', params.run_name)
  }
  return messageResponse({ run_info: runInfoJson(run) })
}

function setRunTag(context: RouteContext) {
  const runId = runIdParams(context)
  const params = parseParams(context.request, {
    key: requiredString,
    value: z.string().default('')
  })
  context.state.tracking.getRun(runId).tags.set(params.key, params.value)
  return messageResponse({})
}

/**
 * Lists a run's artifacts below `path`, with paths relative to the run's
 * artifact root. Only runs whose root is on the artifact proxy have
 * artifacts here.
 */
function listArtifacts(context: RouteContext) {
  const params = parseParams(context.request, {
    run_id: requiredString,
    path: optionalString,
    page_token: optionalString
  })
  const run = context.state.tracking.getRun(params.run_id)
  const relative = safeArtifactPath(params.path ?? '')
  const root = proxyPathOf(run.artifactUri)
  const entries =
    root === undefined
      ? []
      : context.state.artifacts.list(joinArtifactPath(root, relative))
  const files = entries.map(entry => ({
    path: joinArtifactPath(relative, entry.path),
    is_dir: entry.isDir,
    ...(entry.fileSize === undefined ? {} : { file_size: entry.fileSize })
  }))
  return messageResponse({
    root_uri: run.artifactUri,
    ...(files.length > 0 ? { files } : {})
  })
}

/** The experiment, run and run-artifact routes of MLflow's REST API. */
export const trackingRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${API}/experiments/create`,
    handle: createExperiment
  },
  {
    method: 'GET',
    path: `${API}/experiments/get-by-name`,
    handle: getExperimentByName,
    authorize: canReadExperimentByName
  },
  {
    method: 'GET',
    path: `${API}/experiments/get`,
    handle: getExperiment,
    authorize: canReadExperiment
  },
  {
    method: 'POST',
    path: `${API}/runs/create`,
    handle: createRun,
    authorize: canCreateInExperiment
  },
  {
    method: 'GET',
    path: `${API}/runs/get`,
    handle: getRun,
    authorize: canReadRun
  },
  {
    method: 'POST',
    path: `${API}/runs/update`,
    handle: updateRun,
    authorize: canUpdateRun
  },
  {
    method: 'POST',
    path: `${API}/runs/set-tag`,
    handle: setRunTag,
    authorize: canUpdateRun
  },
  {
    method: 'GET',
    path: `${API}/artifacts/list`,
    handle: listArtifacts,
    authorize: canReadRun
  }
]
