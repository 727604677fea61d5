/**
 * Registrations against the real MLflow server through a fault proxy that
 * breaks one call of the flow at a time. Whatever the fault, each model
 * ends with exactly one version that carries its tags and aliases: either
 * the run registers it, or it defers into a bundle and a sync registers
 * it. Short timeouts and backoffs, set through the inputs, keep it fast.
 * Each run sends a bearer token and a service-token header, which the
 * plain server ignores, so that the secret scanner has secrets to look for
 * in every log, output, summary and bundle that a fault produces.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startFaultProxy,
  type FaultAction,
  type FaultProxy,
  type ProxyFault
} from '../../support/fault-proxy.js'
import {
  githubEnv,
  runAction,
  uniqueRunId
} from '../../support/registration.js'
import type { RecordingHost } from '../../support/recording-host.js'
import {
  expectHostSecretsMasked,
  type TestSecrets
} from '../../support/secret-scan.js'
import { testServers, uniqueModelName } from '../../support/servers.js'
import {
  expectRegisteredOnce,
  runsTaggedWith,
  type Registered
} from './end-state.js'

jest.setTimeout(60_000)

const SEARCH = 'model-versions/search'
const CREATE = 'model-versions/create'
const GET_VERSION = 'model-versions/get'
const GET_MODEL = 'registered-models/get'
const CREATE_MODEL = 'registered-models/create'
const SET_TAG = 'model-versions/set-tag'
const UPDATE = 'model-versions/update'
const ALIAS = 'registered-models/alias'
const UPLOAD = 'model/MLmodel'
const RUN_CREATE = 'runs/create'
const RUN_UPDATE = 'runs/update'

const resetBefore: FaultAction = { kind: 'reset-before' }
const resetAfter: FaultAction = { kind: 'reset-after' }
const stall: FaultAction = { kind: 'stall' }
const stallAfter: FaultAction = { kind: 'stall-after' }
const truncate: FaultAction = { kind: 'truncate' }
// Responses of a few hundred bytes still arrive in many pieces, but the
// pauses add up to well under a second per call.
const slow: FaultAction = { kind: 'slow', chunkBytes: 32, pauseMs: 2 }
const unavailable: FaultAction = {
  kind: 'respond',
  response: { status: 503, body: 'Service Unavailable' }
}
const unavailableAfter: FaultAction = {
  kind: 'respond-after',
  response: { status: 503, body: 'Service Unavailable' }
}
/** What MLflow 3.17.2 on SQLite returns when a write waits too long. */
const databaseLocked: FaultAction = {
  kind: 'respond',
  response: {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error_code: 'INTERNAL_ERROR',
      message: '(sqlite3.OperationalError) database is locked'
    })
  }
}
const rateLimited: FaultAction = {
  kind: 'respond',
  response: { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' }
}

/** How a scenario is run and how it must end. */
interface Scenario {
  readonly name: string
  readonly faults: readonly ProxyFault[]
  /** The first run's outcome; `deferred` runs are then synced. */
  readonly outcome: 'registered' | 'reused' | 'deferred'
  /**
   * Registers once without faults first, then runs again with new tags
   * and a new description, so the reuse path (set tag, update) runs.
   */
  readonly rerun?: boolean
  /** How many runs the registration must leave in the experiment. */
  readonly runs?: number
}

const once = (
  path: string,
  action: FaultAction,
  method?: string
): ProxyFault => ({ path, action, ...(method ? { method } : {}) })

/** Faults that a retry or a read-back recovers from within one run. */
const RECOVERED: readonly [string, string, FaultAction][] = [
  [GET_MODEL, 'reset-before', resetBefore],
  [GET_MODEL, 'stall', stall],
  [GET_MODEL, 'truncate', truncate],
  [GET_MODEL, 'slow', slow],
  [GET_MODEL, '503', unavailable],
  [CREATE_MODEL, 'reset-before', resetBefore],
  [CREATE_MODEL, 'reset-after', resetAfter],
  [CREATE_MODEL, 'stall-after', stallAfter],
  [CREATE_MODEL, '503 after commit', unavailableAfter],
  [CREATE_MODEL, 'database locked', databaseLocked],
  [CREATE, 'reset-before', resetBefore],
  [CREATE, 'reset-after', resetAfter],
  [CREATE, 'stall', stall],
  [CREATE, 'stall-after', stallAfter],
  [CREATE, 'truncate', truncate],
  [CREATE, 'slow', slow],
  [CREATE, '503', unavailable],
  [CREATE, '503 after commit', unavailableAfter],
  [CREATE, 'database locked', databaseLocked],
  [CREATE, '429', rateLimited],
  [ALIAS, 'reset-before', resetBefore],
  [ALIAS, 'reset-after', resetAfter],
  [ALIAS, 'stall-after', stallAfter],
  [ALIAS, 'database locked', databaseLocked],
  [UPLOAD, 'reset-before', resetBefore],
  [UPLOAD, 'reset-after', resetAfter],
  [UPLOAD, 'truncate', truncate],
  [UPLOAD, '503', unavailable],
  [RUN_UPDATE, 'reset-after', resetAfter]
]

/**
 * Faults on the reuse path, which a second run with new tags takes: the
 * search by idempotency key and the GET that confirms a match run only
 * when the registered model exists already.
 */
const RERUN: readonly [string, string, FaultAction][] = [
  [SEARCH, 'reset-before', resetBefore],
  [SEARCH, 'stall', stall],
  [SEARCH, 'truncate', truncate],
  [SEARCH, 'slow', slow],
  [SEARCH, '429', rateLimited],
  [GET_VERSION, 'reset-before', resetBefore],
  [GET_VERSION, 'reset-after', resetAfter],
  [GET_VERSION, 'truncate', truncate],
  [GET_VERSION, 'slow', slow],
  [SET_TAG, 'reset-before', resetBefore],
  [SET_TAG, 'reset-after', resetAfter],
  [SET_TAG, 'truncate', truncate],
  [SET_TAG, 'database locked', databaseLocked],
  [UPDATE, 'reset-before', resetBefore],
  [UPDATE, 'reset-after', resetAfter],
  [UPDATE, '503', unavailable],
  [SEARCH, 'reset-after', resetAfter]
]

/**
 * Faults on the create of the upload run. A create whose response is lost is
 * found again by its request tag, so each leaves exactly one run.
 */
const RUN_CREATED: readonly [string, FaultAction][] = [
  ['reset-before', resetBefore],
  ['reset-after', resetAfter],
  ['stall-after', stallAfter],
  ['503 after commit', unavailableAfter]
]

/** Faults that outlast the retries, so the run defers and a sync ends it. */
const OUTLASTING: readonly [string, string, FaultAction][] = [
  [GET_MODEL, 'reset-before', resetBefore],
  [CREATE, '503', unavailable],
  [CREATE, 'database locked', databaseLocked],
  [ALIAS, 'reset-before', resetBefore],
  [UPLOAD, 'reset-before', resetBefore],
  [RUN_CREATE, 'reset-before', resetBefore]
]

const SCENARIOS: readonly Scenario[] = [
  ...RECOVERED.map(([call, fault, action]) => ({
    name: `${call} ${fault} once`,
    faults: [once(call, action)],
    outcome: 'registered' as const
  })),
  ...RERUN.map(([call, fault, action]) => ({
    name: `${call} ${fault} on a rerun`,
    faults: [once(call, action)],
    outcome: 'reused' as const,
    rerun: true
  })),
  ...RUN_CREATED.map(([fault, action]) => ({
    name: `${RUN_CREATE} ${fault} once`,
    faults: [once(RUN_CREATE, action)],
    outcome: 'registered' as const,
    runs: 1
  })),
  ...OUTLASTING.map(([call, fault, action]) => ({
    name: `${call} ${fault} every time`,
    faults: [{ path: call, action, times: 1000 }],
    outcome: 'deferred' as const
  })),
  ...[CREATE_MODEL, CREATE].map(call => ({
    name: `${call} committed, reset every time`,
    faults: [{ path: call, action: resetAfter, times: 1000 }],
    outcome: 'registered' as const
  })),
  {
    name: 'the first two creates reset',
    faults: [{ path: CREATE, action: resetBefore, times: 2 }],
    outcome: 'registered'
  },
  {
    name: 'the last create reset after commit',
    faults: [
      { path: CREATE, action: resetBefore, times: 2 },
      { path: CREATE, action: resetAfter, nth: 1 }
    ],
    outcome: 'registered'
  },
  {
    name: 'every call reset once',
    faults: [SEARCH, CREATE, GET_VERSION, ALIAS, GET_MODEL, CREATE_MODEL].map(
      call => once(call, resetAfter)
    ),
    outcome: 'registered'
  }
]

/** Credentials the plain server ignores and no reader may ever see. */
const TOKEN = `fault-token-${randomBytes(12).toString('hex')}`
const SERVICE_TOKEN = `fault-service-${randomBytes(12).toString('hex')}`
const SECRETS: TestSecrets = { values: [TOKEN, SERVICE_TOKEN] }
const CREDENTIALS = {
  'auth-mode': 'bearer',
  token: TOKEN,
  'extra-headers': `X-Service-Token: ${SERVICE_TOKEN}`
}

/** Scans one run's logs, outputs, summary and bundle files for secrets. */
function expectNoLeaks(host: RecordingHost): void {
  expectHostSecretsMasked(host, SECRETS)
}

let proxy: FaultProxy
let bundleRoot: string
const upstream = (): string => testServers().plain.url

beforeAll(async () => {
  proxy = await startFaultProxy(upstream())
  bundleRoot = mkdtempSync(path.join(tmpdir(), 'proxy-faults-'))
})

afterAll(async () => {
  await proxy.close()
  rmSync(bundleRoot, { recursive: true, force: true })
})

function inputs(
  modelName: string,
  bundleDir: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    'tracking-uri': proxy.url,
    'model-name': modelName,
    'model-path': 'examples/model',
    'experiment-name': 'proxy-faults',
    description: 'nightly retrain',
    tags: 'team=risk',
    aliases: 'champion',
    'bundle-dir': bundleDir,
    'request-timeout': '1',
    'max-attempts': '3',
    'retry-initial-delay': '0.01',
    'retry-max-time': '10',
    'wait-timeout': '10',
    ...CREDENTIALS,
    ...extra
  }
}

/** Lists the runs an experiment holds for one workflow run. */
function runsOfWorkflowRun(
  experimentName: string,
  env: NodeJS.ProcessEnv
): Promise<string[]> {
  return runsTaggedWith(testServers().plain, experimentName, {
    key: 'ci.run_id',
    value: env.GITHUB_RUN_ID ?? ''
  })
}

const results: { name: string; outcome: string }[] = []

describe('one fault per registration', () => {
  it.each(SCENARIOS.map(s => [s.name, s] as const))(
    '%s',
    async (_, scenario) => {
      const model = uniqueModelName('faults')
      const bundleDir = mkdtempSync(path.join(bundleRoot, 'run-'))
      const env = githubEnv(uniqueRunId())
      const expected: Registered = {
        model,
        tags: { team: 'risk' },
        description: 'nightly retrain',
        alias: 'champion'
      }
      if (scenario.rerun) {
        proxy.setFaults([])
        await runAction(inputs(model, bundleDir), env)
        Object.assign(expected, {
          tags: { team: 'fraud' },
          description: 'second pass'
        })
      }

      proxy.setFaults(scenario.faults)
      const { result, host } = await runAction(
        inputs(
          model,
          bundleDir,
          scenario.rerun
            ? { tags: 'team=fraud', description: 'second pass' }
            : {}
        ),
        env
      )
      proxy.setFaults([])
      const faulted = proxy.requests.filter(r => r.fault !== undefined)
      proxy.requests.length = 0
      expect(faulted.length).toBeGreaterThan(0)
      expect(host.failure).toBeUndefined()
      expect(result.outcome).toBe(scenario.outcome)
      expectNoLeaks(host)

      if (result.outcome === 'deferred') {
        const sync = await runAction(
          {
            mode: 'sync',
            'tracking-uri': proxy.url,
            'bundle-dir': bundleDir,
            ...CREDENTIALS
          },
          env
        )
        expect(sync.host.failure).toBeUndefined()
        expect(sync.result.outcome).toBe('synced')
        expectNoLeaks(sync.host)
      }
      results.push({ name: scenario.name, outcome: result.outcome })
      await expectRegisteredOnce(testServers().plain, expected)
      if (scenario.runs !== undefined) {
        const runs = await runsOfWorkflowRun('proxy-faults', env)
        expect(runs).toHaveLength(scenario.runs)
      }
    }
  )
})

describe('all scenarios', () => {
  it('ran at least 40', () => {
    expect(results.length).toBeGreaterThanOrEqual(40)
  })
})
