/**
 * 64 registrations of one model at once, in-process, against the real
 * MLflow server and its SQLite database. Each run has its own workflow
 * run id, so each must end with a version of its own: 64 distinct
 * versions, no failure and no deferral, whatever errors the database
 * returns under contention. Each run sends a bearer token, which the
 * plain server ignores, for the secret scanner to look for. The runs go
 * through a fault proxy with no faults set, which records the status of
 * every response, so the retries the runs log can be checked against the
 * failures the server returned.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { TRANSIENT_STATUSES } from '../../../src/http/retry.js'
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js'
import {
  githubEnv,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../../support/registration.js'
import { expectHostSecretsMasked } from '../../support/secret-scan.js'
import { testServers, uniqueModelName } from '../../support/servers.js'
import { versionsOf } from './end-state.js'

jest.setTimeout(300_000)

const RUNS = 64
const TOKEN = `concurrency-token-${randomBytes(12).toString('hex')}`
const model = uniqueModelName('concurrent')
let bundleDir: string
let proxy: FaultProxy
let runs: ActionRun[]

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(tmpdir(), 'concurrency-'))
  proxy = await startFaultProxy(testServers().plain.url)
  const inputs = {
    'tracking-uri': proxy.url,
    'model-name': model,
    source: 's3://reliability-tests/model',
    tags: 'team=risk',
    'bundle-dir': bundleDir,
    'on-unavailable': 'fail',
    'max-attempts': '8',
    'retry-initial-delay': '0.2',
    'retry-max-time': '120',
    'auth-mode': 'bearer',
    token: TOKEN
  }
  runs = await Promise.all(
    Array.from({ length: RUNS }, () =>
      runAction(inputs, githubEnv(uniqueRunId()))
    )
  )
})

afterAll(async () => {
  await proxy.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

describe('64 registrations at once', () => {
  it('all end registered', () => {
    const outcomes = runs.map(run => run.result.outcome)
    expect(outcomes).toEqual(Array<string>(RUNS).fill('registered'))
  })

  it('none fails the step', () => {
    // The detail names the call that failed and the reason.
    const failures = runs
      .map(run => run.result.diagnosis)
      .filter(diagnosis => diagnosis !== undefined)
      .map(diagnosis => `${diagnosis.code}: ${diagnosis.detail}`)
    expect(failures).toEqual([])
  })

  it('write no bundles', () => {
    expect(readdirSync(bundleDir)).toEqual([])
  })

  it('report 64 distinct versions', () => {
    const reported = new Set(
      runs.map(run => run.host.outputs.get('model-version'))
    )
    expect(reported.size).toBe(RUNS)
  })

  it('leave 64 versions on the server', async () => {
    const versions = await versionsOf(testServers().plain, model)
    const numbers = versions.map(v => Number(v.version)).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: RUNS }, (_, i) => i + 1))
  })

  it('leak no form of the token', () => {
    for (const run of runs) {
      expectHostSecretsMasked(run.host, { values: [TOKEN] })
    }
  })

  it('log one retry per transient failure', () => {
    // Every transient failure (a retried status, or a response that did
    // not arrive in full) was followed by a logged retry, or by a
    // read-back that found the create committed, because no run gave up.
    // How many failures contention causes depends on timing, so the count
    // is printed and compared, not fixed.
    const failures = proxy.requests.filter(
      r => r.status === undefined || TRANSIENT_STATUSES.has(r.status)
    ).length
    const lines = runs.flatMap(run => run.host.lines)
    const retries = lines.filter(line =>
      /^Retrying|sending it again/.test(line.message)
    )
    // The count depends on timing, so it is printed with the reason each
    // retry logged, such as `HTTP 400 BAD_REQUEST`.
    const reasons = new Map<string, number>()
    for (const line of retries) {
      const reason = /: ([^:]+)$/.exec(line.message)?.[1] ?? 'other'
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    }
    const counts = [...reasons].map(([reason, n]) => `${reason}: ${n}`)
    process.stdout.write(
      `concurrency: ${retries.length} retries logged` +
        (counts.length > 0 ? ` (${counts.join(', ')})` : '') +
        '\n'
    )
    const committed = lines.filter(
      line => line.title === 'Create committed despite an error'
    )
    process.stdout.write(
      `concurrency: ${failures} transient failures seen by the clients\n`
    )
    // A request that timed out is retried although the proxy saw no
    // failure, so the logs may hold more retries than the proxy counted.
    expect(retries.length + committed.length).toBeGreaterThanOrEqual(failures)
    for (const line of retries) expect(line.message).toMatch(/attempt \d+ of/)
  })
})
