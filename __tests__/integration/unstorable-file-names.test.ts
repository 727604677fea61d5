/**
 * File names that MLflow's artifact proxy would refuse or store under
 * another name: first what the real server does with them, then that a
 * registration rejects them before it writes anything.
 */
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  adminApi,
  createTarget,
  githubEnv,
  runAction,
  targetInputs,
  type Target
} from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts'

/** Lists a folder of the artifact store through the proxy. */
async function listArtifacts(folder: string): Promise<string[]> {
  const url = new URL(`${testServers().plain.url}${ARTIFACTS}`)
  url.searchParams.set('path', folder)
  const response = await fetch(url)
  const body = (await response.json()) as { files?: { path: string }[] }
  return (body.files ?? []).map(file => file.path)
}

describe("MLflow's artifact proxy", () => {
  const folder = `name-probe-${randomBytes(4).toString('hex')}`

  async function put(encodedName: string): Promise<number> {
    const url = `${testServers().plain.url}${ARTIFACTS}/${folder}/${encodedName}`
    const response = await fetch(url, { method: 'PUT', body: 'bytes' })
    await response.arrayBuffer()
    return response.status
  }

  it("rejects '#' in a path", async () => {
    expect(await put(encodeURIComponent('notes#1.txt'))).toBe(400)
  })

  it("stores a sent '%2F' as a folder", async () => {
    expect(await put(encodeURIComponent('per%2Fenc'))).toBe(200)
    expect(await listArtifacts(folder)).toContain('per')
  })
})

describe('registration of unstorable file names', () => {
  let target: Target
  let model: string

  beforeAll(async () => {
    target = await createTarget('plain')
    model = await mkdtemp(path.join(tmpdir(), 'unstorable-'))
    await cp('examples/model', model, { recursive: true })
    await writeFile(path.join(model, 'notes#1.txt'), 'a note')
    await writeFile(path.join(model, 'per%cent.txt'), 'a share')
  })

  afterAll(async () => {
    await rm(model, { recursive: true, force: true })
  })

  it('fails before anything is written', async () => {
    const modelName = uniqueModelName('unstorable')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': modelName,
        'model-path': model
      },
      githubEnv()
    )

    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.detail).toContain(
      '2 files of the model ("notes#1.txt", "per%cent.txt")'
    )
    const found = await adminApi<{ registered_models?: unknown[] }>(
      'plain',
      'GET',
      'registered-models/search',
      { query: { filter: `name = '${modelName}'` } }
    )
    expect(found.registered_models ?? []).toEqual([])
    const experiments = await adminApi<{ experiments?: unknown[] }>(
      'plain',
      'GET',
      'experiments/search',
      {
        query: {
          filter: `name = '${target.experimentName}'`,
          max_results: '10'
        }
      }
    )
    expect(experiments.experiments ?? []).toEqual([])
  })
})
