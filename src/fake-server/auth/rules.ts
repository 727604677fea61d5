import { authParam, hasParam, peekParam } from '../params.js'
import type { RouteContext } from '../state.js'

/**
 * The basic-auth app's checks for non-admin users, per route, as in
 * MLflow 3.17.2's `mlflow/server/auth/__init__.py`. Version-level routes
 * need the registered model to exist. For a missing model they return 403,
 * not 404, so that rejections reveal nothing about which models exist.
 */

function modelName(context: RouteContext): string {
  return authParam(context.request, 'name')
}

function modelExists(context: RouteContext): boolean {
  return context.state.registry.findModel(modelName(context)) !== undefined
}

/** Checks READ on the registered model named in the request. */
export function canReadModel(context: RouteContext): boolean {
  return context.access.model(modelName(context)).canRead
}

/** Checks EDIT on the registered model named in the request. */
export function canUpdateModel(context: RouteContext): boolean {
  return context.access.model(modelName(context)).canUpdate
}

/** Checks MANAGE on the registered model named in the request. */
export function canDeleteModel(context: RouteContext): boolean {
  return context.access.model(modelName(context)).canDelete
}

/** Checks READ on an existing registered model. */
export function canReadVersion(context: RouteContext): boolean {
  return modelExists(context) && canReadModel(context)
}

/** Checks EDIT on an existing registered model. */
export function canUpdateVersion(context: RouteContext): boolean {
  return modelExists(context) && canUpdateModel(context)
}

/** Checks MANAGE on an existing registered model. */
export function canDeleteVersion(context: RouteContext): boolean {
  return modelExists(context) && canDeleteModel(context)
}

/**
 * Checks EDIT on the target model, plus READ on the sources the request
 * names: the run of `run_id`, the logged model of `model_id` or of a
 * `models:/<id>` source, or the registered model of a
 * `models:/<name>/<version>` source. A named but missing source denies.
 */
export function canCreateVersion(context: RouteContext): boolean {
  if (!canUpdateVersion(context)) return false
  const source = peekParam(context.request, 'source')
  const sourceModel = /^models:\/([^/@]+)(?:\/[^/]+|@.+)$/.exec(source)
  if (sourceModel?.[1] !== undefined) {
    const name = sourceModel[1]
    return (
      context.state.registry.findModel(name) !== undefined &&
      context.access.model(name).canRead
    )
  }
  if (hasParam(context.request, 'run_id')) {
    if (!canReadRunId(context, peekParam(context.request, 'run_id'))) {
      return false
    }
  }
  if (hasParam(context.request, 'model_id')) {
    const modelId = peekParam(context.request, 'model_id')
    if (!canReadLoggedModelId(context, modelId)) return false
  }
  const sourceModelId = /^models:\/([^/@]+)$/.exec(source)?.[1]
  return (
    sourceModelId === undefined || canReadLoggedModelId(context, sourceModelId)
  )
}

/** Checks EDIT on the experiment named by `experiment_id`. */
export function canCreateInExperiment(context: RouteContext): boolean {
  const experimentId = authParam(context.request, 'experiment_id')
  return context.access.experiment(experimentId).canUpdate
}

/** Checks READ on the experiment named by `experiment_id`. */
export function canReadExperiment(context: RouteContext): boolean {
  const experimentId = authParam(context.request, 'experiment_id')
  return context.access.experiment(experimentId).canRead
}

/** Checks READ on the run named by `run_id` (or the older `run_uuid`). */
export function canReadRun(context: RouteContext): boolean {
  return canReadRunId(context, runIdParam(context))
}

/** Checks EDIT on the run named by `run_id`. */
export function canUpdateRun(context: RouteContext): boolean {
  const run = context.state.tracking.findRun(runIdParam(context))
  return (
    run !== undefined && context.access.experiment(run.experimentId).canUpdate
  )
}

/** Reads `run_id`, falling back to the older `run_uuid` as MLflow does. */
function runIdParam(context: RouteContext): string {
  try {
    return authParam(context.request, 'run_id')
  } catch {
    return authParam(context.request, 'run_uuid')
  }
}

function canReadRunId(context: RouteContext, runId: string): boolean {
  const run = context.state.tracking.findRun(runId)
  return (
    run !== undefined && context.access.experiment(run.experimentId).canRead
  )
}

function canReadLoggedModelId(context: RouteContext, modelId: string): boolean {
  const model = context.state.tracking.findLoggedModel(modelId)
  return (
    model !== undefined && context.access.experiment(model.experimentId).canRead
  )
}

/** Checks READ on the logged model in the path. */
export function canReadLoggedModel(context: RouteContext): boolean {
  return canReadLoggedModelId(context, context.params.modelId ?? '')
}

/** Checks EDIT on the logged model in the path. */
export function canUpdateLoggedModel(context: RouteContext): boolean {
  const model = context.state.tracking.findLoggedModel(
    context.params.modelId ?? ''
  )
  return (
    model !== undefined &&
    context.access.experiment(model.experimentId).canUpdate
  )
}

/** Checks whether the user is an admin. */
export function isAdmin(context: RouteContext): boolean {
  return context.access.unrestricted
}

/** Checks whether the request names the user, or the user is an admin. */
export function isSelfOrAdmin(context: RouteContext): boolean {
  return (
    context.access.unrestricted ||
    authParam(context.request, 'username') === context.access.user?.username
  )
}

/**
 * Returns the permission for an artifact proxy path: that of the
 * experiment whose id is the first path segment, or else the default
 * permission, so uploads outside an experiment fail under the default READ.
 */
export function artifactPermission(context: RouteContext, path: string) {
  const experimentId = /^(\d+)(?:\/|$)/.exec(path)?.[1]
  return experimentId === undefined
    ? context.access.fallback()
    : context.access.experiment(experimentId)
}
