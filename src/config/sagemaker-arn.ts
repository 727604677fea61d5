import { configError } from '../diagnosis/diagnosis.js'
import { isLoopbackHost } from '../http/url.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** The SageMaker MLflow resource kinds an ARN can name. */
export type SageMakerResourceType = 'mlflow-tracking-server' | 'mlflow-app'

/**
 * A SageMaker managed MLflow server named by its ARN, with what the
 * `sagemaker-mlflow` plugin (version 0.3.0) derives from it: the
 * endpoint, the SigV4 service name and the routing header.
 */
export interface SageMakerTarget {
  readonly arn: string
  readonly partition: string
  readonly region: string
  readonly account: string
  readonly resourceType: SageMakerResourceType
  /** The tracking server's name or the app's id. */
  readonly resourceId: string
  /** The SigV4 service name: `sagemaker-mlflow`, or `sagemaker` for apps. */
  readonly service: string
  /** The header that carries the ARN, which SageMaker routes requests by. */
  readonly arnHeader: string
  /** The MLflow endpoint, or the override when one is set. */
  readonly endpoint: URL
}

const ARN_PATTERN = new RegExp(
  String.raw`^arn:([a-z-]+):sagemaker:([a-z]{2}(?:-[a-z]+)+-\d+):` +
    String.raw`(\d{12}):([a-z-]+)\/([^/\s]+)$`
)

const PARTITIONS = ['aws', 'aws-us-gov']

const RESOURCES: Record<
  SageMakerResourceType,
  { service: string; header: string; host: (region: string) => string }
> = {
  'mlflow-tracking-server': {
    service: 'sagemaker-mlflow',
    header: 'x-mlflow-sm-tracking-server-arn',
    host: region => `${region}.experiments.sagemaker.aws`
  },
  'mlflow-app': {
    service: 'sagemaker',
    header: 'x-sm-mlflow-app-arn',
    host: region => `mlflow.sagemaker.${region}.app.aws`
  }
}

/** Returns whether a tracking URI is an ARN rather than a URL. */
export function isArn(value: string): boolean {
  return value.toLowerCase().startsWith('arn:')
}

/**
 * Parses a SageMaker MLflow ARN tracking URI into its endpoint and
 * signing scope. `endpoint` overrides the derived host, as the plugin's
 * SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT does (for VPC endpoints and tests).
 */
export function parseSageMakerArn(
  uri: Setting,
  endpoint: Setting | undefined
): SageMakerTarget {
  const label = settingLabel('tracking-uri', uri)
  const match = ARN_PATTERN.exec(uri.value)
  const [, partition, region, account, type, resourceId] = match ?? []
  if (!partition || !region || !account || !type || !resourceId) {
    throw configError(
      label,
      `${quote(uri.value)} is not a SageMaker MLflow ARN`,
      'Use arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/' +
        '<name> (or mlflow-app/<id>), or the https:// URL of the server.'
    )
  }
  const resource = RESOURCES[type as SageMakerResourceType] as
    (typeof RESOURCES)[SageMakerResourceType] | undefined
  if (!resource) {
    throw configError(
      label,
      `the ARN names a ${quote(type)}, not an MLflow tracking server or app`,
      'Use the ARN of an mlflow-tracking-server or mlflow-app.'
    )
  }
  if (!PARTITIONS.includes(partition)) {
    throw configError(
      label,
      `the AWS partition ${quote(partition)} has no SageMaker MLflow ` +
        'endpoint the sagemaker-mlflow plugin knows',
      'Use an ARN in the aws or aws-us-gov partition, or set ' +
        '`sagemaker-endpoint` to the endpoint URL.'
    )
  }
  return {
    arn: uri.value,
    partition,
    region,
    account,
    resourceType: type as SageMakerResourceType,
    resourceId,
    service: resource.service,
    arnHeader: resource.header,
    endpoint: endpoint
      ? parseEndpoint(endpoint)
      : new URL(`https://${resource.host(region)}`)
  }
}

/**
 * Parses the endpoint override. Plain http is accepted only on loopback,
 * because an AWS session token travels in a request header.
 */
function parseEndpoint(setting: Setting): URL {
  const label = settingLabel('sagemaker-endpoint', setting)
  let url: URL | undefined
  try {
    url = new URL(setting.value)
  } catch {
    url = undefined
  }
  const secure =
    url?.protocol === 'https:' ||
    (url?.protocol === 'http:' && isLoopbackHost(url.hostname))
  const credentials = url !== undefined && (url.username || url.password)
  if (!url || !secure || credentials || url.search || url.hash) {
    // A value with credentials is not quoted, because quoting would print
    // the password.
    const shown = credentials ? 'the URL' : quote(setting.value)
    throw configError(
      label,
      `${shown} is not an https:// URL without credentials or query`,
      'Use the https:// URL of the SageMaker MLflow endpoint, such as a ' +
        'VPC endpoint, or leave it unset.'
    )
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}
