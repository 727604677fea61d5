import type { RegistryTarget } from '../config/registry-uri.js'
import { configError } from '../diagnosis/diagnosis.js'
import type { ResolvedSource } from './source.js'

const RUNS_URI = /^runs:\/[^/]+\/.+$/
const RUN_ARTIFACT =
  /^mlflow-artifacts:\/+\d+\/([0-9a-f]{32})\/artifacts\/(.+)$/

/**
 * Returns the source a separate registry server can accept. MLflow 3.17's
 * `model-versions/create` looks an `mlflow-artifacts:` source's run up in
 * the registry server's own tracking store, where a run of another
 * tracking server is missing, but accepts `runs:/<run>/<path>` when
 * `run_id` names the same run. A run's model is therefore registered as
 * its `runs:/` URI, as MLflow 2 clients registered it. A logged model's
 * `models:/<id>` means something only on the tracking server that logged
 * it, so it is rejected before any write.
 */
export function sourceForRegistry(
  resolved: ResolvedSource,
  registry: RegistryTarget,
  runsUri: string | undefined
): ResolvedSource {
  if (registry.kind !== 'server') return resolved
  const { runId } = resolved
  if (runId !== undefined && runsUri !== undefined && RUNS_URI.test(runsUri)) {
    return { source: runsUri, runId }
  }
  const artifact = RUN_ARTIFACT.exec(resolved.source)
  if (runId !== undefined && artifact?.[1] === runId && artifact[2]) {
    return { source: `runs:/${runId}/${artifact[2]}`, runId }
  }
  if (resolved.modelId !== undefined) {
    const run = runId ?? '<run>'
    throw configError(
      'input `source`',
      `models:/${resolved.modelId} is a logged model of the tracking ` +
        `server, and the registry at ${registry.url.origin} is another ` +
        'server, which cannot resolve it',
      `Register runs:/${run}/<name>, with the name the model was ` +
        'logged under, or upload the model directory with `model-path`.'
    )
  }
  return resolved
}
