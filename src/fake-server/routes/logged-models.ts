import { z } from 'zod'

import {
  canCreateInExperiment,
  canReadLoggedModel,
  canUpdateLoggedModel
} from '../auth/rules.js'
import { messageResponse } from '../exchange.js'
import { invalidParameter } from '../mlflow-error.js'
import { paginate } from '../pagination.js'
import {
  intLike,
  optionalString,
  parseParams,
  requiredString,
  tagList
} from '../params.js'
import { matchesFilter, parseFilter } from '../search-filter.js'
import type { Route, RouteContext } from '../state.js'
import { generateRunName } from '../store/run-names.js'
import type { LoggedModelStatus } from '../store/tracking.js'
import { loggedModelJson } from './tracking-json.js'

const API = '/api/2.0/mlflow/logged-models'

function createLoggedModel(context: RouteContext) {
  const params = parseParams(context.request, {
    experiment_id: requiredString,
    name: optionalString,
    model_type: optionalString,
    source_run_id: optionalString,
    tags: tagList
  })
  const model = context.state.tracking.createLoggedModel({
    experimentId: params.experiment_id,
    name: params.name?.length ? params.name : generateRunName(Math.random),
    modelType: params.model_type ?? '',
    sourceRunId: params.source_run_id ?? '',
    tags: params.tags ?? []
  })
  return messageResponse({ model: loggedModelJson(model) })
}

function modelIdParam(context: RouteContext): string {
  return decodeURIComponent(context.params.modelId ?? '')
}

function getLoggedModel(context: RouteContext) {
  const model = context.state.tracking.getLoggedModel(modelIdParam(context))
  return messageResponse({ model: loggedModelJson(model) })
}

const STATUSES: Readonly<Record<string, LoggedModelStatus>> = {
  '1': 'LOGGED_MODEL_PENDING',
  '2': 'LOGGED_MODEL_READY',
  '3': 'LOGGED_MODEL_UPLOAD_FAILED',
  LOGGED_MODEL_PENDING: 'LOGGED_MODEL_PENDING',
  LOGGED_MODEL_READY: 'LOGGED_MODEL_READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'LOGGED_MODEL_UPLOAD_FAILED'
}

/** Finalizes a logged model; MLflow wants `model_id` in the body too. */
function finalizeLoggedModel(context: RouteContext) {
  const params = parseParams(context.request, {
    model_id: requiredString,
    status: z.union([z.string(), z.number()])
  })
  const status = STATUSES[String(params.status)]
  if (!status) {
    throw invalidParameter(`Invalid logged model status: ${params.status}`)
  }
  const model = context.state.tracking.getLoggedModel(params.model_id)
  model.status = status
  return messageResponse({ model: loggedModelJson(model) })
}

/** Searches logged models, dropping those the user cannot read. */
function searchLoggedModels(context: RouteContext) {
  const params = parseParams(context.request, {
    experiment_ids: z.array(z.string()).min(1),
    filter: optionalString,
    max_results: intLike(Number.MAX_SAFE_INTEGER),
    page_token: optionalString
  })
  const clauses = parseFilter(params.filter, [
    'name',
    'model_id',
    'model_type',
    'status',
    'source_run_id'
  ])
  const { tracking } = context.state
  const matching = tracking
    .listLoggedModels(params.experiment_ids)
    .filter(model =>
      matchesFilter(clauses, (type, key) => {
        if (type === 'tag') return model.tags.get(key)
        const fields: Record<string, string> = {
          name: model.name,
          model_id: model.modelId,
          model_type: model.modelType,
          status: model.status,
          source_run_id: model.sourceRunId
        }
        return fields[key]
      })
    )
  const page = paginate(matching, params.max_results ?? 100, params.page_token)
  const readable = page.items.filter(
    model => context.access.experiment(model.experimentId).canRead
  )
  return messageResponse({
    ...(readable.length > 0 ? { models: readable.map(loggedModelJson) } : {}),
    ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
  })
}

/** The MLflow 3 logged-model routes, which an MLflow 2 fake does not serve. */
export const loggedModelRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: API,
    handle: createLoggedModel,
    authorize: canCreateInExperiment,
    mlflow3Only: true
  },
  {
    method: 'POST',
    path: `${API}/search`,
    handle: searchLoggedModels,
    mlflow3Only: true
  },
  {
    method: 'GET',
    path: `${API}/:modelId`,
    handle: getLoggedModel,
    authorize: canReadLoggedModel,
    mlflow3Only: true
  },
  {
    method: 'PATCH',
    path: `${API}/:modelId`,
    handle: finalizeLoggedModel,
    authorize: canUpdateLoggedModel,
    mlflow3Only: true
  }
]
