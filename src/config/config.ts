import type { ProxySettings } from '../http/proxy.js'
import type { AliasGuard } from './alias-guards.js'
import type { AwsCredentials } from './aws-credentials.js'
import type { AzureSettings } from './azure-settings.js'
import type { DatabricksSettings } from './databricks-settings.js'
import type { ExtraHeader } from './extra-headers.js'
import type { AUTH_MODES, InputName, MODES, ON_UNAVAILABLE } from './inputs.js'
import type { MetricGate } from './metric-gates.js'
import type { OAuthSettings } from './oauth-settings.js'
import type { OidcSettings } from './oidc-settings.js'
import type { RegistryTarget } from './registry-uri.js'
import type { StorageEndpoints } from '../storage/endpoints.js'
import type { SageMakerTarget } from './sagemaker-arn.js'
import type { SigningSettings } from './signing-settings.js'
import type { TlsSettings } from './tls.js'

/** An auth mode the action can be asked for. */
export type AuthModeSetting = (typeof AUTH_MODES)[number]

/** What the action does in this run. */
export type Mode = (typeof MODES)[number]

/** Credentials and how to send them; secrets are masked before use. */
export interface AuthSettings {
  readonly mode: AuthModeSetting
  readonly username?: string
  readonly password?: string
  readonly token?: string
  /** The header that carries the token; `Authorization` means Bearer. */
  readonly tokenHeader: string
  /** The SageMaker server to sign for, when the tracking URI is an ARN. */
  readonly sagemaker?: SageMakerTarget
  /** AWS credentials from the environment, complete or not, for SigV4. */
  readonly aws?: Partial<AwsCredentials>
  /** HOKUSAI_API_KEY, present only where the Hokusai mode may use it. */
  readonly hokusaiKey?: string
  /** The reason HOKUSAI_API_KEY is set but not read, for the auth report. */
  readonly hokusaiKeyIgnored?: string
  /** The client credentials grant's settings; absent when none is set. */
  readonly oauth?: OAuthSettings
  /** The `github-oidc` settings; absent when none is set. */
  readonly oidc?: OidcSettings
  /** The workspace, when the tracking URI is `databricks`. */
  readonly databricks?: DatabricksSettings
  /** The Entra app of the Azure ML preset; absent without a tenant. */
  readonly azure?: AzureSettings
}

/** The bundle directory of deferred registrations, and the deferral choice. */
export interface BundleSettings {
  readonly onUnavailable: (typeof ON_UNAVAILABLE)[number]
  /** The `bundle-dir` input as an absolute path; unset means the default. */
  readonly directory?: string
  /**
   * The token for the GitHub REST API, which sync uses for stored bundles
   * and `attest` for storing the attestation.
   */
  readonly githubToken?: string
}

/** A model version tag as MLflow stores it. */
export interface Tag {
  readonly key: string
  readonly value: string
}

/** The validated configuration of one run of the action. */
export interface Config {
  readonly mode: Mode
  /** The tracking server URL, without credentials and without a query. */
  readonly trackingUri: URL
  /** Where registry calls go; the tracking server unless set apart. */
  readonly registry: RegistryTarget
  /** The endpoints of Unity Catalog storage: the clouds or emulators. */
  readonly storageEndpoints?: StorageEndpoints
  readonly modelName: string
  /**
   * A model URI to register, exclusive with {@link modelPath}; in
   * `verify` mode, the `models:/` URI of the version to check.
   */
  readonly source?: string
  /** A local MLflow model directory to upload; exclusive with source. */
  readonly modelPath?: string
  readonly artifactPath: string
  readonly experimentName: string
  readonly description?: string
  readonly tags: readonly Tag[]
  readonly aliases: readonly string[]
  /** The versions aliases must point to before they move. */
  readonly aliasGuards: readonly AliasGuard[]
  /** Conditions checked before the aliases move. */
  readonly metricGates: readonly MetricGate[]
  readonly auth: AuthSettings
  /** CA, client certificate and verification for the tracking server. */
  readonly tls: TlsSettings
  /** Headers sent to the tracking server's origin only. */
  readonly extraHeaders: readonly ExtraHeader[]
  /** The outbound proxy variables of the environment. */
  readonly proxy: ProxySettings
  readonly idempotencyKey?: string
  readonly forceNewVersion: boolean
  /** Plan the registration and print its writes without sending them. */
  readonly dryRun: boolean
  /**
   * Attest the model's build provenance on GitHub after registering; the
   * attestation is stored with {@link BundleSettings.githubToken}.
   */
  readonly attest: boolean
  readonly waitTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly maxAttempts: number
  /** The total time the retries of one request may take. */
  readonly retryMaxTimeMs: number
  /** The ceiling of the first backoff wait, doubled for each later one. */
  readonly retryInitialDelayMs: number
  readonly bundle: BundleSettings
  /** Signing of registrations and verification of signatures. */
  readonly signing: SigningSettings
  /** The local registry's directory, absolute; `sync` registers it. */
  readonly registryDir: string
  /** The `report-path` input as an absolute path; unset means the default. */
  readonly reportPath?: string
  /** Where each setting came from, for the auth report and the summary. */
  readonly origins: ReadonlyMap<InputName, string>
}
