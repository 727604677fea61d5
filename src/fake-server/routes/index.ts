import type { Route } from '../state.js'
import { artifactProxyRoutes } from './artifact-proxy.js'
import { loggedModelRoutes } from './logged-models.js'
import { modelVersionRoutes } from './model-versions.js'
import { probeRoutes } from './probes.js'
import { registeredModelRoutes } from './registered-models.js'
import { runSearchRoutes } from './run-search.js'
import { trackingRoutes } from './tracking.js'
import { userRoutes } from './users.js'

/**
 * Lists every route the fake serves. The user routes exist only on a server
 * with auth, as they do only in MLflow's basic-auth app, and the MLflow 3
 * routes only when the fake acts as MLflow 3.
 */
export function fakeRoutes(options: {
  authEnabled: boolean
  mlflowMajor: 2 | 3
}): Route[] {
  const routes = [
    ...probeRoutes,
    ...registeredModelRoutes,
    ...modelVersionRoutes,
    ...trackingRoutes,
    ...runSearchRoutes,
    ...loggedModelRoutes,
    ...artifactProxyRoutes,
    ...(options.authEnabled ? userRoutes : [])
  ]
  return options.mlflowMajor === 3
    ? routes
    : routes.filter(route => route.mlflow3Only !== true)
}
