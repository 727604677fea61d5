import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  createTarget,
  leakedSecrets,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { basicHeader, testServers } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

/** Reads the version that a server reports at `/version`. */
async function serverVersion(target: Target): Promise<string> {
  const { admin } = testServers()
  const headers: Record<string, string> = target.user
    ? { authorization: basicHeader(admin.username, admin.password) }
    : {}
  const response = await fetch(`${target.server.url}/version`, { headers })
  return (await response.text()).trim()
}

function infoLines(run: ActionRun): string[] {
  return run.host.lines
    .filter(line => line.level === 'info')
    .map(line => line.message)
}

describe.each(['plain', 'basicAuth'] as const)(
  'preflight on the %s server',
  serverName => {
    let target: Target
    let preflight: ActionRun

    beforeAll(async () => {
      target = await createTarget(serverName)
      preflight = await runAction({
        ...targetInputs(target),
        mode: 'preflight'
      })
    })

    it('preflight passes', () => {
      expect(preflight.result.outcome).toBe('checked')
      expect(preflight.host.failure).toBeUndefined()
      expect(preflight.host.outputs.get('diagnosis')).toBe('')
    })

    it('preflight reports the server version', async () => {
      const version = await serverVersion(target)
      expect(version).toMatch(/^\d+\.\d+\.\d+/)
      expect(infoLines(preflight)).toContain(
        `MLflow server version: ${version}`
      )
    })

    it('run shows no secret', () => {
      expect(leakedSecrets(preflight.host, [], target.user)).toEqual([])
    })
  }
)

describe('preflight identity', () => {
  it('basic-auth server reports the user', async () => {
    const target = await createTarget('basicAuth')
    const preflight = await runAction({
      ...targetInputs(target),
      mode: 'preflight'
    })

    expect(infoLines(preflight)).toContain(
      `Authenticated as: ${target.user?.username ?? ''}`
    )
    expect(leakedSecrets(preflight.host, [], target.user)).toEqual([])
  })

  it('plain server reports no user', async () => {
    const target = await createTarget('plain')
    const preflight = await runAction({
      ...targetInputs(target),
      mode: 'preflight'
    })

    expect(infoLines(preflight)).toContain(
      'Authenticated as: not reported by this server'
    )
  })
})
