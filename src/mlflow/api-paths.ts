/** Paths of MLflow's REST API, below the tracking URI. */
export const API = 'api/2.0/mlflow'

/** The artifact proxy's path, below the tracking URI. */
export const ARTIFACTS_API = 'api/2.0/mlflow-artifacts/artifacts'

/** Names a registered model for messages. */
export function modelResource(name: string): string {
  return `registered model '${name}'`
}
