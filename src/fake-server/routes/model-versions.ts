import { z } from 'zod'

import {
  canCreateVersion,
  canDeleteVersion,
  canReadVersion,
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
import type { ModelVersionRecord } from '../store/registry.js'
import { modelVersionJson, versionAliases } from './registry-json.js'
import { orderVersions } from './version-order.js'
import { checkVersionSource } from './version-source.js'

const API = '/api/2.0/mlflow/model-versions'

function createVersion(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    source: requiredString,
    run_id: optionalString,
    tags: tagList,
    run_link: optionalString,
    description: optionalString,
    model_id: optionalString
  })
  const checked = checkVersionSource(context, {
    source: params.source,
    runId: params.run_id,
    modelId: params.model_id
  })
  const version = context.state.registry.createVersion({
    name: params.name,
    ...checked,
    runLink: params.run_link ?? '',
    description: params.description ?? '',
    tags: params.tags ?? []
  })
  if (params.model_id) tagLoggedModel(context, params.model_id, version)
  return messageResponse({ model_version: modelVersionJson(version) })
}

/** MLflow 3 records each registration on the logged model as a tag. */
function tagLoggedModel(
  context: RouteContext,
  modelId: string,
  version: ModelVersionRecord
): void {
  const model = context.state.tracking.findLoggedModel(modelId)
  if (!model) return
  const key = 'mlflow.modelVersions'
  const earlier = JSON.parse(model.tags.get(key) ?? '[]') as {
    name: string
    version: number
  }[]
  const entries = [...earlier, { name: version.name, version: version.version }]
  // Python's json.dumps layout, as the real server writes the tag.
  const text = entries
    .map(e => `{"name": ${JSON.stringify(e.name)}, "version": ${e.version}}`)
    .join(', ')
  model.tags.set(key, `[${text}]`)
}

function versionParams(context: RouteContext) {
  return parseParams(context.request, {
    name: requiredString,
    version: requiredString
  })
}

function getVersion(context: RouteContext) {
  const { name, version } = versionParams(context)
  const { registry } = context.state
  const found = registry.readVersion(name, version)
  const aliases = versionAliases(registry.findModel(name), found.version)
  return messageResponse({ model_version: modelVersionJson(found, aliases) })
}

/**
 * Searches model versions. Like MLflow 3.17.2's SQL store, results carry
 * no aliases unless the quirk is on, and the basic-auth app drops
 * versions of models the user cannot read instead of rejecting the request.
 */
function searchVersions(context: RouteContext) {
  const params = parseParams(
    context.request,
    {
      filter: optionalString,
      max_results: intLike(200_000),
      order_by: z.array(z.string()).optional(),
      page_token: optionalString
    },
    ['order_by']
  )
  if (context.settings.quirks.emptyVersionSearch) return messageResponse({})
  const { registry } = context.state
  const clauses = parseFilter(params.filter, [
    'name',
    'version_number',
    'run_id',
    'source_path'
  ])
  if (context.settings.quirks.singleQuotedFilters) {
    checkSingleQuoted(params.filter, clauses, true)
  }
  const matching = orderVersions(
    registry
      .listVersions()
      .filter(version =>
        matchesFilter(clauses, (type, key) => versionField(version, type, key))
      ),
    params.order_by
  )
  const page = paginate(
    matching,
    params.max_results ?? 200_000,
    params.page_token
  )
  const withAliases = context.settings.quirks.versionSearchAliases
  const readable = page.items
    .filter(version => context.access.model(version.name).canRead)
    .map(version =>
      modelVersionJson(
        version,
        withAliases
          ? versionAliases(registry.findModel(version.name), version.version)
          : []
      )
    )
  return messageResponse({
    ...(readable.length > 0 ? { model_versions: readable } : {}),
    ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
  })
}

function versionField(
  version: ModelVersionRecord,
  type: 'attribute' | 'tag',
  key: string
): string | number | undefined {
  if (type === 'tag') return version.tags.get(key)
  switch (key) {
    case 'name':
      return version.name
    case 'run_id':
      return version.runId
    case 'source_path':
      return version.source
    default:
      return version.version
  }
}

function updateVersion(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    version: requiredString,
    description: optionalString
  })
  const { registry } = context.state
  const found = registry.getVersion(params.name, params.version)
  if (params.description !== undefined) found.description = params.description
  registry.touchVersion(found)
  return messageResponse({ model_version: modelVersionJson(found) })
}

function deleteVersion(context: RouteContext) {
  const { name, version } = versionParams(context)
  context.state.registry.deleteVersion(name, version)
  return messageResponse({})
}

function setVersionTag(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    version: requiredString,
    key: requiredString,
    value: z.string().default('')
  })
  const found = context.state.registry.getVersion(params.name, params.version)
  found.tags.set(params.key, params.value)
  return messageResponse({})
}

function deleteVersionTag(context: RouteContext) {
  const params = parseParams(context.request, {
    name: requiredString,
    version: requiredString,
    key: requiredString
  })
  const found = context.state.registry.getVersion(params.name, params.version)
  found.tags.delete(params.key)
  return messageResponse({})
}

function getDownloadUri(context: RouteContext) {
  const { name, version } = versionParams(context)
  const found = context.state.registry.getVersion(name, version)
  return messageResponse({ artifact_uri: found.storageLocation })
}

/** The model-version routes of MLflow's REST API. */
export const modelVersionRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${API}/create`,
    handle: createVersion,
    authorize: canCreateVersion
  },
  {
    method: 'GET',
    path: `${API}/get`,
    handle: getVersion,
    authorize: canReadVersion
  },
  { method: 'GET', path: `${API}/search`, handle: searchVersions },
  {
    method: 'PATCH',
    path: `${API}/update`,
    handle: updateVersion,
    authorize: canUpdateVersion
  },
  {
    method: 'DELETE',
    path: `${API}/delete`,
    handle: deleteVersion,
    authorize: canDeleteVersion
  },
  {
    method: 'POST',
    path: `${API}/set-tag`,
    handle: setVersionTag,
    authorize: canUpdateVersion
  },
  {
    method: 'DELETE',
    path: `${API}/delete-tag`,
    handle: deleteVersionTag,
    authorize: canDeleteVersion
  },
  {
    method: 'GET',
    path: `${API}/get-download-uri`,
    handle: getDownloadUri,
    authorize: canReadVersion
  }
]
