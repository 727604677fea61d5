import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import type { FakeServer } from '../../src/fake-server/index.js'
import { startHokusaiFake } from '../support/hokusai-fake.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { uniqueModelName } from '../support/servers.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ADMIN_KEY = 'hk_test_e2e/admin+key=1'
const MEMBER_KEY = 'hk_test_e2e/member+key=2'

// The fake replaces Hokusai's gateway and copies its responses.
let server: FakeServer

beforeAll(async () => {
  server = await startHokusaiFake({ admin: ADMIN_KEY, member: MEMBER_KEY })
})

afterAll(async () => {
  await server.close()
})

function register(key: string): Promise<ActionResult> {
  return runAction({
    inputs: {
      'tracking-uri': server.url,
      'auth-mode': 'hokusai',
      'model-name': uniqueModelName('e2e-hokusai'),
      'model-path': 'examples/model'
    },
    env: { HOKUSAI_API_KEY: key }
  })
}

describe('the bundled action on the Hokusai platform', () => {
  it('registers with an admin key, masked', async () => {
    const result = await register(ADMIN_KEY)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['auth-mode']).toBe('hokusai')
    expectSecretsMasked(result, { values: [ADMIN_KEY] })
  })

  it('explains a member key, masked', async () => {
    const result = await register(MEMBER_KEY)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.diagnosis).toBe('FORBIDDEN_PERMISSION')
    expect(result.stdout).toContain('Hokusai requires registry admin access')
    expectSecretsMasked(result, { values: [MEMBER_KEY] })
  })
})
