import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  adminApi,
  createTarget,
  githubEnv,
  grantModelPermission,
  leakedSecrets,
  listVersionNumbers,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import {
  basicHeader,
  testServers,
  uniqueModelName
} from '../support/servers.js'

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

describe('preflight write permission', () => {
  it('EDIT grant is confirmed without writing', async () => {
    const target = await createTarget('basicAuth')
    const modelName = uniqueModelName('preflight-edit')
    await adminApi('basicAuth', 'POST', 'registered-models/create', {
      body: { name: modelName }
    })
    await grantModelPermission(target.user?.username ?? '', modelName, 'EDIT')
    const preflight = await runAction({
      ...targetInputs(target),
      mode: 'preflight',
      'model-name': modelName
    })

    expect(preflight.result.preflight?.passed).toContain(
      `write permission: EDIT on registered model '${modelName}'`
    )
    expect(preflight.result.preflight?.notVerified).toEqual([])
    const versions = await listVersionNumbers('basicAuth', modelName)
    expect(versions).toEqual([])
  })

  it('READ grant leaves write not verified', async () => {
    const target = await createTarget('basicAuth')
    const modelName = uniqueModelName('preflight-read')
    await adminApi('basicAuth', 'POST', 'registered-models/create', {
      body: { name: modelName }
    })
    await grantModelPermission(target.user?.username ?? '', modelName, 'READ')
    const preflight = await runAction({
      ...targetInputs(target),
      mode: 'preflight',
      'model-name': modelName
    })

    expect(preflight.result.outcome).toBe('checked')
    expect(preflight.result.preflight?.notVerified.join(' ')).toContain(
      'holds only READ'
    )
  })

  it('plain server leaves write not verified', async () => {
    const target = await createTarget('plain')
    const preflight = await runAction({
      ...targetInputs(target),
      mode: 'preflight',
      'model-name': 'fraud-model'
    })

    expect(preflight.result.preflight?.notVerified).toHaveLength(1)
  })
})

describe('preflight report', () => {
  let target: Target
  let preflight: ActionRun
  let report: string

  beforeAll(async () => {
    target = await createTarget('basicAuth')
    const dir = mkdtempSync(path.join(tmpdir(), 'preflight-report-'))
    preflight = await runAction(
      { ...targetInputs(target), mode: 'preflight', 'model-name': 'x-model' },
      { ...githubEnv(), RUNNER_TEMP: dir }
    )
    report = readFileSync(preflight.host.outputs.get('report-path') ?? '', {
      encoding: 'utf8'
    })
  })

  it('lands under RUNNER_TEMP', () => {
    expect(preflight.host.outputs.get('report-path')).toMatch(
      /preflight-report-.*\/mlflow-register\/preflight-report\.md$/
    )
  })

  it('names auth mode, origins and version', () => {
    expect(report).toContain('| Auth mode | basic |')
    expect(report).toContain('username: input `username`')
    expect(report).toMatch(/\| Server version \| \d+\.\d+\.\d+/)
    expect(report).toContain(`| Authenticated as | ${target.user?.username}`)
  })

  it('counts four requests', () => {
    expect(preflight.result.preflight?.requestCount).toBe(4)
    expect(report).toContain('| Preflight requests | 4 |')
  })

  it('repeats the job summary rows', () => {
    const checks = preflight.host.summary
      .split('\n')
      .find(line => line.startsWith('| Checks passed |'))
    expect(checks).toBeDefined()
    expect(report).toContain(checks ?? '-')
  })

  it('holds no secret', () => {
    expect(report).not.toContain(target.user?.password ?? '-')
    expect(leakedSecrets(preflight.host, [], target.user)).toEqual([])
  })

  it('failed preflight still writes a report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'preflight-report-'))
    const failed = await runAction(
      {
        ...targetInputs(target),
        mode: 'preflight',
        password: 'wrong-password-for-report',
        'report-path': path.join(dir, 'report.md')
      },
      githubEnv()
    )
    const text = readFileSync(path.join(dir, 'report.md'), 'utf8')

    expect(failed.host.outputs.get('report-path')).toBe(
      path.join(dir, 'report.md')
    )
    expect(text).toContain('AUTH_REJECTED')
    expect(text).not.toContain('wrong-password-for-report')
  })
})
