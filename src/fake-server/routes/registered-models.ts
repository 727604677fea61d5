import { z } from 'zod'

import {
  canDeleteModel,
  canDeleteVersion,
  canReadModel,
  canReadVersion,
  canUpdateModel,
  canUpdateVersion
} from '../auth/rules.js'
import { messageResponse } from '../exchange.js'
import { paginate } from '../pagination.js'
import {
  intLike,
  optionalString,
  parseParams,
  requiredString,
  tagList
} from '../params.js'
import {
  checkSingleQuoted,
  matchesFilter,
  parseFilter
} from '../search-filter.js'
import type { Route, RouteContext } from '../state.js'
import {
  modelVersionJson,
  registeredModelJson,
  versionAliases
} from './registry-json.js'

const API = '/api/2.0/mlflow/registered-models'

function createModel(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    tags: tagList,
    description: optionalString
  })
  const model = context.state.registry.createModel(
    params.name,
    params.tags ?? [],
    params.description
  )
  // The basic-auth app makes the creator the model's manager.
  const user = context.access.user
  if (user && !user.isAdmin) {
    context.state.users.grant(
      user.username,
      'registered_model',
      model.name,
      'MANAGE'
    )
  }
  return messageResponse({ registered_model: registeredModelJson(model) })
}

function getModel(context: RouteContext) {
  const { name } = parseParams(context.request, { name: requiredString })
  const model = context.state.registry.getModel(name)
  return messageResponse({ registered_model: registeredModelJson(model) })
}

/**
 * Searches registered models. Like the basic-auth app, it never rejects a user:
 * it drops the models the user cannot read from the page it found.
 */
function searchModels(context: RouteContext) {
  const params = parseParams(
    context.request,
    {
      filter: optionalString,
      max_results: intLike(1000),
      order_by: z.array(z.string()).optional(),
      page_token: optionalString
    },
    ['order_by']
  )
  if (context.settings.quirks.emptyModelSearch) return messageResponse({})
  const clauses = parseFilter(params.filter, ['name'])
  if (context.settings.quirks.singleQuotedFilters) {
    checkSingleQuoted(params.filter, clauses, false)
  }
  const matching = context.state.registry
    .listModels()
    .filter(model =>
      matchesFilter(clauses, (type, key) =>
        type === 'tag' ? model.tags.get(key) : model.name
      )
    )
  const page = paginate(matching, params.max_results ?? 100, params.page_token)
  const readable = page.items.filter(
    model => context.access.model(model.name).canRead
  )
  return messageResponse({
    ...(readable.length > 0
      ? { registered_models: readable.map(registeredModelJson) }
      : {}),
    ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
  })
}

function updateModel(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    description: optionalString
  })
  const model = context.state.registry.getModel(params.name)
  if (params.description !== undefined) model.description = params.description
  context.state.registry.touch(model)
  return messageResponse({ registered_model: registeredModelJson(model) })
}

function deleteModel(context: RouteContext) {
  const { name } = parseParams(context.request, { name: requiredString })
  context.state.registry.deleteModel(name)
  context.state.users.revokeAll('registered_model', name)
  return messageResponse({})
}

function setModelTag(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    key: requiredString,
    value: z.string().default('')
  })
  const model = context.state.registry.getModel(params.name)
  model.tags.set(params.key, params.value)
  return messageResponse({})
}

function deleteModelTag(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    key: requiredString
  })
  context.state.registry.getModel(params.name).tags.delete(params.key)
  return messageResponse({})
}

function setAlias(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    alias: requiredString,
    version: requiredString
  })
  context.state.registry.setAlias(params.name, params.alias, params.version)
  return messageResponse({})
}

function deleteAlias(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    alias: requiredString
  })
  context.state.registry.deleteAlias(params.name, params.alias)
  return messageResponse({})
}

function getVersionByAlias(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    alias: requiredString
  })
  const { registry } = context.state
  const version = registry.versionByAlias(params.name, params.alias)
  const aliases = versionAliases(
    registry.findModel(params.name),
    version.version
  )
  return messageResponse({ model_version: modelVersionJson(version, aliases) })
}

/** The latest version per stage; every version here is in stage "None". */
function getLatestVersions(context: RouteContext) {
  const params = parseParams(
    context.request,
    { name: requiredString, stages: z.array(z.string()).optional() },
    ['stages']
  )
  const { registry } = context.state
  const model = registry.getModel(params.name)
  const stages = params.stages ?? []
  const wantsNone =
    stages.length === 0 || stages.some(stage => stage.toLowerCase() === 'none')
  const latest = wantsNone ? registry.latestVersion(params.name) : undefined
  if (!latest) return messageResponse({})
  const aliases = versionAliases(model, latest.version)
  return messageResponse({
    model_versions: [modelVersionJson(latest, aliases)]
  })
}

/** The registered-model routes of MLflow's REST API. */
export const registeredModelRoutes: readonly Route[] = [
  { method: 'POST', path: `${API}/create`, handle: createModel },
  {
    method: 'GET',
    path: `${API}/get`,
    handle: getModel,
    authorize: canReadModel
  },
  { method: 'GET', path: `${API}/search`, handle: searchModels },
  {
    method: 'PATCH',
    path: `${API}/update`,
    handle: updateModel,
    authorize: canUpdateModel
  },
  {
    method: 'DELETE',
    path: `${API}/delete`,
    handle: deleteModel,
    authorize: canDeleteModel
  },
  {
    method: 'POST',
    path: `${API}/set-tag`,
    handle: setModelTag,
    authorize: canUpdateModel
  },
  {
    method: 'DELETE',
    path: `${API}/delete-tag`,
    handle: deleteModelTag,
    authorize: canUpdateModel
  },
  {
    method: 'POST',
    path: `${API}/alias`,
    handle: setAlias,
    authorize: canUpdateVersion
  },
  {
    method: 'DELETE',
    path: `${API}/alias`,
    handle: deleteAlias,
    authorize: canDeleteVersion
  },
  {
    method: 'GET',
    path: `${API}/alias`,
    handle: getVersionByAlias,
    authorize: canReadVersion
  },
  ...(['GET', 'POST'] as const).map(method => ({
    method,
    path: `${API}/get-latest-versions`,
    handle: getLatestVersions,
    authorize: canReadVersion
  }))
]
