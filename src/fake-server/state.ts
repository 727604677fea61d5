import type { Access } from './auth/access.js'
import type { UserDirectory } from './auth/users.js'
import type { FakeRequest, FakeResponse } from './exchange.js'
import type { ArtifactStore } from './store/artifacts.js'
import type { RegistryStore } from './store/registry.js'
import type { TrackingStore } from './store/tracking.js'

/** Everything the fake server stores. */
export interface FakeState {
  readonly registry: RegistryStore
  readonly tracking: TrackingStore
  readonly artifacts: ArtifactStore
  readonly users: UserDirectory
}

/** Search responses that differ from MLflow 3.17.2's, switched on in tests. */
export interface SearchQuirks {
  /** `registered-models/search` returns `{}` while `get` finds the model. */
  emptyModelSearch: boolean
  /**
   * `model-versions/search` carries each version's aliases. MLflow 3.17.2
   * never sends aliases from this search; some other stores do.
   */
  versionSearchAliases: boolean
  /** `model-versions/search` returns `{}` while `get` finds each version. */
  emptyVersionSearch: boolean
  /**
   * Searches reject double-quoted values, and model searches reject tag
   * filters, with 400 INVALID_PARAMETER_VALUE, as Unity Catalog does.
   */
  singleQuotedFilters: boolean
}

/** The server behaviour fixed at start. */
export interface FakeSettings {
  /** The version `/version` reports. */
  readonly mlflowVersion: string
  /** MLflow 2 has no logged-model routes, so they return 404. */
  readonly mlflowMajor: 2 | 3
  /** False acts like `mlflow server --no-serve-artifacts`. */
  readonly serveArtifacts: boolean
  /** Prefix of every route, like `--static-prefix`; empty for none. */
  readonly staticPrefix: string
  readonly authEnabled: boolean
  readonly quirks: SearchQuirks
}

/** The input of a route handler. */
export interface RouteContext {
  readonly request: FakeRequest
  /** Path parameters, still percent-encoded. */
  readonly params: Readonly<Record<string, string>>
  readonly state: FakeState
  readonly settings: FakeSettings
  readonly access: Access
}

/** The server framework behind a route, which shapes its 401 and 403 bodies. */
export type Engine = 'flask' | 'fastapi'

/** One REST route of the fake. */
export interface Route {
  readonly method: string
  /** A path with `:name` for one segment and `*name` for the rest. */
  readonly path: string
  readonly handle: (
    context: RouteContext
  ) => FakeResponse | Promise<FakeResponse>
  /** The basic-auth check for non-admin users; absent means any user. */
  readonly authorize?: (context: RouteContext) => boolean
  readonly engine?: Engine
  /** Served only when the fake acts as MLflow 3. */
  readonly mlflow3Only?: boolean
}
