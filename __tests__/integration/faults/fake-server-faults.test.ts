/**
 * The fake server's commit-then-drop and sequenced-failure switches on
 * each write path of a registration, run in-process through the action's
 * `run()`. A real MLflow server cannot commit a write and then drop the
 * connection on demand, so these faults live on the fake. Each row
 * asserts the run's outcome and the registry the fake stores afterwards:
 * one version, its tags and description, the alias, and the upload runs.
 * Every row runs once with Basic credentials and once with a bearer
 * token, and every run is scanned for each form of that secret.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import {
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'

import {
  startFakeServer,
  type CannedResponse,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { IDEMPOTENCY_TAG } from '../../../src/register/provenance.js'
import {
  githubEnv,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../../support/registration.js'
import {
  expectHostSecretsMasked,
  type TestSecrets
} from '../../support/secret-scan.js'

jest.setTimeout(60_000)

const MODEL = 'fraud-model'
const EXPERIMENT = 'fake-faults'
const USERNAME = 'ci-bot'
const PASSWORD = `fake-faults-password-${randomBytes(12).toString('hex')}`
const TOKEN = `fake-faults-token-${randomBytes(12).toString('hex')}`

/** A write of the registration, as a fault rule matches it. */
interface WritePath {
  readonly name: string
  readonly method: 'POST' | 'PUT'
  readonly path: string | RegExp
  /**
   * Whether the write runs only on the reuse path, so the row registers
   * once without faults and then runs again with new tags.
   */
  readonly rerun: boolean
}

const CREATE_MODEL: WritePath = {
  name: 'registered model create',
  method: 'POST',
  path: 'registered-models/create',
  rerun: false
}
const CREATE_VERSION: WritePath = {
  name: 'version create',
  method: 'POST',
  path: 'model-versions/create',
  rerun: false
}
const SET_TAG: WritePath = {
  name: 'set tag',
  method: 'POST',
  path: 'model-versions/set-tag',
  rerun: true
}
const SET_ALIAS: WritePath = {
  name: 'set alias',
  method: 'POST',
  path: 'registered-models/alias',
  rerun: false
}
const UPLOAD: WritePath = {
  name: 'upload PUT',
  method: 'PUT',
  path: /\/MLmodel$/,
  rerun: false
}

const unavailable: CannedResponse = { status: 503, body: 'Service Unavailable' }
/** What MLflow 3.17.2 on SQLite returns when a write waits too long. */
const databaseLocked: CannedResponse = {
  status: 500,
  body: {
    error_code: 'INTERNAL_ERROR',
    message: '(sqlite3.OperationalError) database is locked'
  }
}

/** A fault switch of the fake, applied to one write path. */
interface Switch {
  readonly name: string
  readonly apply: (server: FakeServer, write: WritePath) => void
}

const DROP_ONCE: Switch = {
  name: 'dropAfterCommit once',
  apply: (server, write) => {
    server.faults.dropAfterCommit(write.path, {
      method: write.method,
      times: 1
    })
  }
}
const DROP_ALWAYS: Switch = {
  name: 'dropAfterCommit every time',
  apply: (server, write) => {
    server.faults.dropAfterCommit(write.path, { method: write.method })
  }
}
const SEQUENCE: Switch = {
  name: 'sequence 503, locked, pass',
  apply: (server, write) => {
    server.faults.sequence(
      write.path,
      [unavailable, databaseLocked, 'pass'],
      write.method
    )
  }
}
const SEQUENCE_OUTLASTING: Switch = {
  name: 'sequence of 503 past the retries',
  apply: (server, write) => {
    server.faults.sequence(
      write.path,
      Array<CannedResponse>(20).fill(unavailable),
      write.method
    )
  }
}

/** One scenario: a switch on a write path, and how the run must end. */
interface Row {
  readonly write: WritePath
  readonly fault: Switch
  /** The faulted run's outcome; a `deferred` run is then synced. */
  readonly outcome: 'registered' | 'reused' | 'deferred'
}

// A sync finds the run of a deferred upload by its key and content
// digest and resumes it, so every row ends with that one run.
const ROWS: readonly Row[] = [
  { write: CREATE_MODEL, fault: DROP_ONCE, outcome: 'registered' },
  { write: CREATE_MODEL, fault: DROP_ALWAYS, outcome: 'registered' },
  { write: CREATE_MODEL, fault: SEQUENCE, outcome: 'registered' },
  { write: CREATE_MODEL, fault: SEQUENCE_OUTLASTING, outcome: 'deferred' },
  { write: CREATE_VERSION, fault: DROP_ONCE, outcome: 'registered' },
  { write: CREATE_VERSION, fault: DROP_ALWAYS, outcome: 'registered' },
  { write: CREATE_VERSION, fault: SEQUENCE, outcome: 'registered' },
  { write: CREATE_VERSION, fault: SEQUENCE_OUTLASTING, outcome: 'deferred' },
  { write: SET_TAG, fault: DROP_ONCE, outcome: 'reused' },
  { write: SET_TAG, fault: DROP_ALWAYS, outcome: 'deferred' },
  { write: SET_TAG, fault: SEQUENCE, outcome: 'reused' },
  { write: SET_TAG, fault: SEQUENCE_OUTLASTING, outcome: 'deferred' },
  { write: SET_ALIAS, fault: DROP_ONCE, outcome: 'registered' },
  { write: SET_ALIAS, fault: DROP_ALWAYS, outcome: 'deferred' },
  { write: SET_ALIAS, fault: SEQUENCE, outcome: 'registered' },
  { write: SET_ALIAS, fault: SEQUENCE_OUTLASTING, outcome: 'deferred' },
  { write: UPLOAD, fault: DROP_ONCE, outcome: 'registered' },
  { write: UPLOAD, fault: DROP_ALWAYS, outcome: 'deferred' },
  { write: UPLOAD, fault: SEQUENCE, outcome: 'registered' },
  { write: UPLOAD, fault: SEQUENCE_OUTLASTING, outcome: 'deferred' }
]

/** How the action authenticates, and the secrets that must not leak. */
interface AuthMode {
  readonly name: string
  readonly inputs: Readonly<Record<string, string>>
  readonly secrets: TestSecrets
}

const AUTH_MODES: readonly AuthMode[] = [
  {
    name: 'Basic credentials',
    inputs: { username: USERNAME, password: PASSWORD },
    secrets: { basic: { username: USERNAME, password: PASSWORD } }
  },
  {
    name: 'bearer token',
    inputs: { 'auth-mode': 'bearer', token: TOKEN },
    secrets: { values: [TOKEN] }
  }
]

/** The user tags and description a row's last registration must leave. */
const FIRST = { tags: 'team=risk', team: 'risk', description: 'nightly' }
const SECOND = { tags: 'team=fraud', team: 'fraud', description: 'rerun' }

let server: FakeServer
let bundleDir: string

beforeEach(async () => {
  server = await startFakeServer({
    auth: {
      mode: 'basic',
      users: [{ username: USERNAME, password: PASSWORD }],
      tokens: { [TOKEN]: USERNAME }
    }
  })
  bundleDir = mkdtempSync(path.join(tmpdir(), 'fake-faults-'))
})

afterEach(async () => {
  await server.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

function registerInputs(
  auth: AuthMode,
  pass: typeof FIRST
): Record<string, string> {
  return {
    'tracking-uri': server.url,
    'model-name': MODEL,
    'model-path': 'examples/model',
    'experiment-name': EXPERIMENT,
    description: pass.description,
    tags: pass.tags,
    aliases: 'champion',
    'bundle-dir': bundleDir,
    'request-timeout': '2',
    'max-attempts': '3',
    'retry-initial-delay': '0.01',
    'retry-max-time': '10',
    'wait-timeout': '10',
    ...auth.inputs
  }
}

function syncInputs(auth: AuthMode): Record<string, string> {
  return {
    mode: 'sync',
    'tracking-uri': server.url,
    'bundle-dir': bundleDir,
    'request-timeout': '2',
    ...auth.inputs
  }
}

/** Counts the requests the fault switch could act on. */
function faultedWrites(write: WritePath): number {
  return server.requests.matching({ method: write.method, path: write.path })
    .length
}

/** Asserts the registry: one version, its tags, description and alias. */
function expectRegisteredOnce(pass: typeof FIRST): void {
  const versions = server.state.registry
    .listVersions()
    .filter(version => version.name === MODEL)
  expect(versions.map(version => version.version)).toEqual([1])

  const [version] = versions
  expect(version?.deleted).toBe(false)
  expect(version?.tags.get('team')).toBe(pass.team)
  expect(version?.tags.get(IDEMPOTENCY_TAG)).toMatch(/^[0-9a-f]{64}$/)
  expect(version?.description).toBe(pass.description)

  const aliases = server.state.registry.getModel(MODEL).aliases
  expect(Object.fromEntries(aliases)).toEqual({ champion: 1 })
}

/**
 * Asserts that the experiment contains one run, and that it is the
 * version's FINISHED source.
 */
function expectUploadRun(): void {
  const experiment = server.state.tracking.findExperimentByName(EXPERIMENT)
  expect(experiment).toBeDefined()
  const runs = server.state.tracking.listRuns([experiment?.experimentId ?? ''])
  expect(runs).toHaveLength(1)

  const version = server.state.registry.getVersion(MODEL, '1')
  const source = runs.find(run => run.runId === version.runId)
  expect(source?.status).toBe('FINISHED')
}

describe.each(AUTH_MODES.map(auth => [auth.name, auth] as const))(
  'fake server faults with %s',
  (_, auth) => {
    it.each(
      ROWS.map(row => [`${row.write.name}, ${row.fault.name}`, row] as const)
    )('%s', async (_, row) => {
      const env = githubEnv(uniqueRunId())
      const runs: ActionRun[] = []
      const last = row.write.rerun ? SECOND : FIRST
      if (row.write.rerun) {
        const first = await runAction(registerInputs(auth, FIRST), env)
        expect(first.result.outcome).toBe('registered')
        runs.push(first)
      }
      const before = faultedWrites(row.write)

      row.fault.apply(server, row.write)
      const faulted = await runAction(registerInputs(auth, last), env)
      runs.push(faulted)
      server.faults.reset()

      expect(faultedWrites(row.write)).toBeGreaterThan(before)
      expect(faulted.host.failure).toBeUndefined()
      expect(faulted.result.outcome).toBe(row.outcome)
      if (row.outcome === 'deferred') {
        const sync = await runAction(syncInputs(auth), env)
        runs.push(sync)
        expect(sync.host.failure).toBeUndefined()
        expect(sync.result.outcome).toBe('synced')
      }

      expectRegisteredOnce(last)
      expectUploadRun()
      for (const run of runs) expectHostSecretsMasked(run.host, auth.secrets)
    })
  }
)
