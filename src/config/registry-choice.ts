import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'
import { isLoopbackHost } from '../http/url.js'
import type { DatabricksSettings } from './databricks-settings.js'
import type { RegistrationFields } from './registration-fields.js'
import { parseRegistryUri, type RegistryTarget } from './registry-uri.js'
import type { Setting } from './settings.js'

/** Checks whether a model name has Unity Catalog's three parts. */
export function isThreePartName(modelName: string): boolean {
  return modelName.split('.').length === 3
}

/**
 * Chooses where registry calls go. Without `registry-uri`, a `databricks`
 * tracking URI uses Unity Catalog for a three-part name, as MLflow 3
 * defaults to `databricks-uc`, and the workspace registry otherwise.
 */
export function chooseRegistry(
  setting: Setting | undefined,
  tracking: URL,
  databricks: DatabricksSettings | undefined,
  registration: Pick<RegistrationFields, 'modelName' | 'source'>
): RegistryTarget {
  const registry = parseRegistryUri(setting, tracking, databricks)
  const { modelName } = registration
  if (
    setting === undefined &&
    databricks !== undefined &&
    isThreePartName(modelName)
  ) {
    return checkUnityCatalogFields({ kind: 'unity-catalog' }, registration)
  }
  if (registry.kind !== 'unity-catalog') return registry
  if (modelName !== '' && !isThreePartName(modelName)) {
    throw configError(
      'input `model-name`',
      `'${modelName}' is not a Unity Catalog name, which has three parts: ` +
        'catalog.schema.model',
      'Give the catalog and schema, such as main.ml.churn, or set ' +
        '`registry-uri` to `databricks` for the workspace registry.'
    )
  }
  return checkUnityCatalogFields(registry, registration)
}

/**
 * Unity Catalog copies the model files into its own storage, and this
 * action uploads them from a local directory only.
 */
function checkUnityCatalogFields(
  registry: RegistryTarget,
  registration: Pick<RegistrationFields, 'modelName' | 'source'>
): RegistryTarget {
  if (registration.source === undefined) return registry
  // NOTE: MLflow downloads a `source` model to a temporary directory and
  // uploads it from there; this action does not download models yet.
  throw new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `model '${registration.modelName}' goes to Unity Catalog, which ` +
        'this version can register only from a local `model-path`, but ' +
        '`source` is set.',
      'Download the model (`mlflow artifacts download`) and give its ' +
        'directory as `model-path`.'
    )
  )
}

/**
 * Rejects registry URI credentials over plain `http` on a host other than
 * loopback, unless `allow-insecure-http` is set, as for the tracking URI.
 */
export function checkRegistryCleartext(
  registry: RegistryTarget,
  allowInsecureHttp: boolean
): void {
  if (registry.kind !== 'server' || allowInsecureHttp) return
  const { url } = registry
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return
  if (registry.username === undefined && !registry.sameOrigin) return
  throw configError(
    'input `registry-uri`',
    `${url.origin} is plain http on a host that is not loopback, so the ` +
      'credentials would cross the network unencrypted',
    'Use the https:// URL of the registry server, or set ' +
      '`allow-insecure-http: true` if the network is trusted.'
  )
}
