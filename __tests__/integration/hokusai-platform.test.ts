/**
 * The action against the Hokusai platform's MLflow, emulated by the fake
 * server with its Hokusai gateway switch. Hokusai's gateway cannot be
 * installed here, so the fake copies the gateway's statuses and bodies
 * from its source. It serves them under the `/mlflow` static prefix that
 * the platform uses.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import type { FakeServer } from '../../src/fake-server/index.js'
import { startHokusaiFake } from '../support/hokusai-fake.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  type ActionRun
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ADMIN_KEY = 'hk_test_admin_5b1e0c7a'
const MEMBER_KEY = 'hk_test_member_9f3d2a41'

let server: FakeServer

beforeAll(async () => {
  server = await startHokusaiFake({ admin: ADMIN_KEY, member: MEMBER_KEY })
})

afterAll(async () => {
  await server.close()
})

function register(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {}
): Promise<ActionRun> {
  return runAction(
    {
      'tracking-uri': server.url,
      'model-name': uniqueModelName('hokusai'),
      'model-path': 'examples/model',
      ...inputs
    },
    { ...githubEnv(), ...env }
  )
}

describe('Hokusai registry admin key', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register({ token: ADMIN_KEY })
  })

  it('registers the version', () => {
    expect(run.host.failure).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
  })

  it('picks the hokusai mode', () => {
    expect(run.host.outputs.get('auth-mode')).toBe('hokusai')
  })

  it('masks the key', () => {
    expect(run.host.secrets).toContain(ADMIN_KEY)
    expect(leakedSecrets(run.host, [ADMIN_KEY])).toEqual([])
  })
})

describe('Hokusai key from HOKUSAI_API_KEY', () => {
  it('registers in hokusai mode', async () => {
    const run = await register(
      { 'auth-mode': 'hokusai' },
      { HOKUSAI_API_KEY: ADMIN_KEY }
    )
    expect(run.result.outcome).toBe('registered')
    expect(run.host.secrets).toContain(ADMIN_KEY)
  })

  it('is not sent to another host in auto mode', async () => {
    const run = await register({}, { HOKUSAI_API_KEY: ADMIN_KEY })
    expect(run.host.outputs.get('auth-mode')).toBe('none')
    expect(run.result.diagnosis?.code).toBe('AUTH_MISSING')
  })
})

describe('Hokusai refusals', () => {
  it('explains REGISTRY_ADMIN_REQUIRED', async () => {
    const run = await register({ token: MEMBER_KEY })
    const { diagnosis } = run.result
    expect(diagnosis?.code).toBe('FORBIDDEN_PERMISSION')
    expect(diagnosis?.title).toBe('Hokusai requires registry admin access')
    expect(diagnosis?.fix).toContain('registry admin')
    expect(run.host.outputs.get('diagnosis')).toBe('FORBIDDEN_PERMISSION')
  })

  it('explains an invalid key', async () => {
    const run = await register({ token: 'hk_test_revoked_00000000' })
    expect(run.result.diagnosis?.code).toBe('AUTH_REJECTED')
    expect(run.result.diagnosis?.title).toBe('Hokusai rejected the API key')
  })

  it('explains a missing key', async () => {
    const run = await register({})
    expect(run.result.diagnosis?.code).toBe('AUTH_MISSING')
    expect(run.result.diagnosis?.title).toBe('Hokusai requires an API key')
  })
})
