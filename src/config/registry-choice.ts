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
 * The `source` kinds whose files the tracking server serves through its
 * artifact API, from which this action copies them into Unity Catalog.
 */
const PROXIED_SOURCE = /^(runs:\/|models:\/|mlflow-artifacts:)/

/**
 * Unity Catalog copies the model files into its own storage. This action
 * reads them from a local `model-path` or, for a `source`, through the
 * tracking server's artifact API; MLflow also reads other URIs with the
 * cloud's own credentials, which this action does not.
 */
function checkUnityCatalogFields(
  registry: RegistryTarget,
  registration: Pick<RegistrationFields, 'modelName' | 'source'>
): RegistryTarget {
  const { source, modelName } = registration
  if (source === undefined || PROXIED_SOURCE.test(source)) return registry
  throw new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `model '${modelName}' goes to Unity Catalog, which copies the model ` +
        'files into its own storage, but `source` is ' +
        `${describeSource(source)}. ` +
        'This action reads a `source` for that only through the tracking ' +
        "server's artifact API: runs:/, models:/ and mlflow-artifacts: URIs.",
      'Download the model (`mlflow artifacts download -u <uri>`) and give ' +
        'its directory as `model-path`, or log it to a run of the ' +
        'tracking server and register runs:/<run-id>/<path>.'
    )
  )
}

/** Names the kind of a `source` URI that the artifact API does not serve. */
export function describeSource(uri: string): string {
  // User info can carry a password, which a message must not show.
  const source = uri.replace(/^([^:/]+:\/\/)[^/@]*@/, '$1')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1]?.toLowerCase()
  const kind = scheme === undefined ? undefined : SOURCE_KINDS[scheme]
  if (kind) return `${kind} (${source})`
  if (scheme === undefined || /^[a-z]$/.test(scheme)) {
    return `a local path (${source})`
  }
  return `a ${scheme}: URI (${source})`
}

const SOURCE_KINDS: Readonly<Record<string, string>> = {
  s3: 'an S3 URI',
  dbfs: 'a Databricks File System URI',
  gs: 'a Google Cloud Storage URI',
  wasbs: 'an Azure Blob Storage URI',
  abfss: 'an Azure Data Lake Storage URI',
  hdfs: 'an HDFS URI',
  file: 'a local file URI',
  http: 'an HTTP URL',
  https: 'an HTTPS URL'
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
