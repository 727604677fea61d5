import type { HokusaiGatewayOptions } from './auth/hokusai-gateway.js'
import type { PermissionName } from './auth/permissions.js'
import type { RefusalShape } from './auth/refusals.js'
import type { SearchQuirks } from './state.js'
import type { ArtifactStorage } from './store/artifacts.js'
import type { VersionStatusPlan } from './store/registry.js'

/** A username and password. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** A basic-auth user to create at start. */
export interface UserOptions extends Credentials {
  readonly isAdmin?: boolean
}

/** Auth like MLflow's basic-auth app, plus bearer tokens. */
export interface BasicAuthOptions {
  readonly mode: 'basic'
  /** The admin; `admin` with a test password when absent. */
  readonly admin?: Credentials
  readonly users?: readonly UserOptions[]
  /** Bearer token to username: each token authenticates as that user. */
  readonly tokens?: Readonly<Record<string, string>>
  /** The permission of users without a grant; MLflow's default is READ. */
  readonly defaultPermission?: PermissionName
  /** The body shape of 401 and 403 responses; MLflow's text by default. */
  readonly refusalShape?: RefusalShape
}

/** The fake's auth: none (a plain `mlflow server`) or basic. */
export type AuthOptions = { readonly mode: 'none' } | BasicAuthOptions

/** Settings of `startFakeServer`; each has a default. */
export interface FakeServerOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number
  /** The version `/version` reports; `3.17.2` by default. */
  readonly mlflowVersion?: string
  /** 2 hides the MLflow 3 routes (logged models, server-info). */
  readonly mlflowMajor?: 2 | 3
  /** False acts like `--no-serve-artifacts`; true by default. */
  readonly serveArtifacts?: boolean
  /** `memory` (the default) or a temporary directory removed on close. */
  readonly artifactStorage?: ArtifactStorage
  /** A prefix for every route, like `--static-prefix /mlflow`. */
  readonly staticPrefix?: string
  /** `Host` patterns to accept; MLflow's defaults when absent. */
  readonly allowedHosts?: readonly string[]
  readonly auth?: AuthOptions
  /** Puts Hokusai's API-key admin gateway in front of the fake MLflow. */
  readonly hokusaiGateway?: HokusaiGatewayOptions
  /** The path prefix of the control endpoints; `/__fake` by default. */
  readonly controlPrefix?: string
  readonly quirks?: Partial<SearchQuirks>
  /** Status plan for new versions; READY at once when absent. */
  readonly versionStatus?: VersionStatusPlan
  /** Clock for timestamps and the rate limit, in epoch milliseconds. */
  readonly now?: () => number
  /** Waits for fault delays; injectable so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>
  /** Random source for generated run and model names. */
  readonly random?: () => number
  /** Receives one line per unexpected error in the fake; none by default. */
  readonly log?: (message: string) => void
}

/** The admin of a basic-auth fake when the options name none. */
export const DEFAULT_ADMIN: Credentials = {
  username: 'admin',
  password: 'fake-admin-password'
}
