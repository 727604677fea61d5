import type { RegistryTarget } from '../config/registry-uri.js'
import type { ResolvedSource } from './source.js'

const RUNS_URI = /^runs:\/[^/]+\/.+$/

/**
 * Returns the source a separate registry server can accept. MLflow 3.17's
 * `model-versions/create` looks an `mlflow-artifacts:` source's run up in
 * the registry server's own tracking store, where a run of another
 * tracking server is missing, but accepts `runs:/<run>/<path>` when
 * `run_id` names the same run. A run's model is therefore registered as
 * its `runs:/` URI, as MLflow 2 clients registered it.
 */
export function sourceForRegistry(
  resolved: ResolvedSource,
  registry: RegistryTarget,
  runsUri: string | undefined
): ResolvedSource {
  if (registry.kind !== 'server' || resolved.runId === undefined) {
    return resolved
  }
  if (runsUri === undefined || !RUNS_URI.test(runsUri)) return resolved
  // NOTE: an `mlflow-artifacts:` or `models:/<id>` source given directly
  // is sent unchanged, and a separate MLflow registry rejects it.
  return { source: runsUri, runId: resolved.runId }
}
