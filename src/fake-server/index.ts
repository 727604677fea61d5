/**
 * An MLflow-compatible fake server for pipeline tests: MLflow 3.17.2's
 * registry, tracking, logged-model and artifact-proxy routes in memory,
 * basic auth with MLflow's permission rules, and switches for the faults
 * a real server cannot be made to produce on demand.
 */
export { startFakeServer, type FakeServer } from './server.js'
export type {
  AuthOptions,
  BasicAuthOptions,
  Credentials,
  FakeServerOptions,
  UserOptions
} from './options.js'
export type { CapturedRequest, RequestFilter, RequestLog } from './capture.js'
export type { Faults, FaultTarget } from './faults/faults.js'
export { GATEWAY_TIMEOUT } from './faults/faults.js'
export type { FaultRule } from './faults/rules.js'
export type { CannedResponse } from './faults/canned.js'
export type { RateLimit } from './faults/rate-limit.js'
export type { PermissionName } from './auth/permissions.js'
export type { RefusalShape } from './auth/refusals.js'
export type { FakeSettings, FakeState, SearchQuirks } from './state.js'
export type { VersionStatusPlan } from './store/registry.js'
