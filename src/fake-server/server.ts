import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { UserDirectory } from './auth/users.js'
import { RequestLog } from './capture.js'
import { Faults } from './faults/faults.js'
import {
  DEFAULT_ADMIN,
  type AuthOptions,
  type FakeServerOptions
} from './options.js'
import { processRequest, type Outcome, type Pipeline } from './pipeline.js'
import { fakeRoutes } from './routes/index.js'
import type { FakeSettings, FakeState, SearchQuirks } from './state.js'
import { ArtifactStore } from './store/artifacts.js'
import { RegistryStore } from './store/registry.js'
import { TrackingStore } from './store/tracking.js'

/** A running fake MLflow server. */
export interface FakeServer {
  /** The tracking URI: origin plus static prefix, without trailing slash. */
  readonly url: string
  /** `http://127.0.0.1:<port>`, where the control endpoints live. */
  readonly origin: string
  readonly port: number
  readonly settings: FakeSettings
  /** The stored models, runs, artifacts and users, for seeding and checks. */
  readonly state: FakeState
  readonly faults: Faults
  readonly requests: RequestLog
  /** Clears stored data (users stay), faults and captured requests. */
  reset(): Promise<void>
  /** Stops listening, ends open connections and removes temporary files. */
  close(): Promise<void>
}

/**
 * Starts an MLflow-compatible fake server on 127.0.0.1 (a free port
 * unless `options.port` is set). It responds like MLflow 3.17.2 on the
 * registry, tracking, logged-model and artifact-proxy routes, with
 * optional basic auth and fault switches.
 */
export async function startFakeServer(
  options: FakeServerOptions = {}
): Promise<FakeServer> {
  const now = options.now ?? Date.now
  const auth: AuthOptions = options.auth ?? { mode: 'none' }
  const settings = buildSettings(options, auth)
  const state = await createState(options, auth, now)
  const faults = new Faults(state.registry, settings.quirks, now, {
    allowedHosts: options.allowedHosts,
    versionStatus: options.versionStatus,
    quirks: { ...settings.quirks }
  })
  const requests = new RequestLog()
  const clearData = async () => {
    state.registry.clear()
    state.tracking.clear()
    await state.artifacts.clear()
  }
  const pipeline: Pipeline = {
    routes: fakeRoutes(settings),
    state,
    settings,
    faults,
    requests,
    refusalShape:
      auth.mode === 'basic' ? (auth.refusalShape ?? 'mlflow') : 'mlflow',
    controlPrefix: options.controlPrefix ?? '/__fake',
    sleep: options.sleep ?? (ms => sleep(ms)),
    clearData,
    log: options.log ?? (() => undefined),
    ...(options.hokusaiGateway
      ? { hokusaiGateway: options.hokusaiGateway }
      : {})
  }
  const server = createServer((request, response) => {
    void serve(pipeline, request, response)
  })
  const port = await listen(server, options.port ?? 0)
  const origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}${settings.staticPrefix}`,
    origin,
    port,
    settings,
    state,
    faults,
    requests,
    reset: async () => {
      await clearData()
      faults.reset()
      requests.clear()
    },
    close: async () => {
      await stop(server)
      await state.artifacts.close()
    }
  }
}

async function createState(
  options: FakeServerOptions,
  auth: AuthOptions,
  now: () => number
): Promise<FakeState> {
  // NOTE: without --serve-artifacts, runs get local artifact paths below
  // the system temp directory, as a real server would, but the fake never
  // writes files there.
  const artifactRoot =
    (options.serveArtifacts ?? true)
      ? 'mlflow-artifacts:'
      : path.join(tmpdir(), 'mlflow-fake', 'mlruns')
  return {
    registry: new RegistryStore(now),
    tracking: new TrackingStore(
      artifactRoot,
      now,
      options.random ?? Math.random
    ),
    artifacts: await ArtifactStore.open(options.artifactStorage ?? 'memory'),
    users: createUsers(auth)
  }
}

function buildSettings(
  options: FakeServerOptions,
  auth: AuthOptions
): FakeSettings {
  const mlflowVersion = options.mlflowVersion ?? '3.17.2'
  const quirks: SearchQuirks = {
    emptyModelSearch: options.quirks?.emptyModelSearch ?? false,
    versionSearchAliases: options.quirks?.versionSearchAliases ?? false,
    emptyVersionSearch: options.quirks?.emptyVersionSearch ?? false,
    singleQuotedFilters: options.quirks?.singleQuotedFilters ?? false
  }
  return {
    mlflowVersion,
    mlflowMajor:
      options.mlflowMajor ?? (mlflowVersion.startsWith('2.') ? 2 : 3),
    serveArtifacts: options.serveArtifacts ?? true,
    staticPrefix: (options.staticPrefix ?? '').replace(/\/+$/, ''),
    authEnabled: auth.mode === 'basic',
    quirks
  }
}

function createUsers(auth: AuthOptions): UserDirectory {
  if (auth.mode === 'none') return new UserDirectory()
  const users = new UserDirectory(auth.defaultPermission ?? 'READ')
  const admin = auth.admin ?? DEFAULT_ADMIN
  users.create(admin.username, admin.password, true)
  for (const user of auth.users ?? []) {
    users.create(user.username, user.password, user.isAdmin ?? false)
  }
  for (const [token, username] of Object.entries(auth.tokens ?? {})) {
    users.addToken(token, username)
  }
  return users
}

async function serve(
  pipeline: Pipeline,
  request: IncomingMessage,
  response: ServerResponse
): Promise<void> {
  try {
    const body = await readBody(request)
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const outcome = await processRequest(pipeline, {
      method: request.method ?? 'GET',
      url,
      headers: request.headers,
      body
    })
    write(request, response, outcome)
  } catch (error) {
    pipeline.log(
      `fake MLflow server: ${request.method ?? ''} ${request.url ?? ''} ` +
        `failed: ${String(error)}`
    )
    // A client that went away mid-request needs no response.
    if (!response.headersSent && !request.socket.destroyed) {
      response.writeHead(500, { 'content-type': 'text/plain' })
      response.end(`fake server error: ${String(error)}`)
    }
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
}

function write(
  request: IncomingMessage,
  response: ServerResponse,
  outcome: Outcome
): void {
  if (outcome === 'drop') {
    request.socket.destroy()
    return
  }
  const body =
    typeof outcome.body === 'string' ? Buffer.from(outcome.body) : outcome.body
  response.writeHead(outcome.status, {
    server: 'uvicorn',
    ...outcome.headers,
    'content-length': String(body.length)
  })
  response.end(body)
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function stop(server: Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => {
      resolve()
    })
    server.closeAllConnections()
  })
}
