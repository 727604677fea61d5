import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  adminApi,
  createTarget,
  getModelVersion,
  githubEnv,
  leakedSecrets,
  predictWithMlflow,
  runAction,
  targetInputs,
  type ActionRun,
  type RestModelVersion,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const RUN_ID = '73914025'
const DESCRIPTION = 'Linear regression on four features, from examples/model'

interface RestRun {
  run: {
    info: { status: string }
    data: { tags?: { key: string; value: string }[] }
  }
}

interface RestRegisteredModel {
  registered_model: { aliases?: { alias: string; version: string }[] }
}

function tagsOf(version: RestModelVersion): Record<string, string> {
  return Object.fromEntries(
    (version.tags ?? []).map(tag => [tag.key, tag.value])
  )
}

describe.each(['plain', 'basicAuth'] as const)(
  'registration from a directory on the %s server',
  serverName => {
    let target: Target
    let registration: ActionRun
    let modelName: string
    let version: RestModelVersion

    beforeAll(async () => {
      target = await createTarget(serverName)
      modelName = uniqueModelName('from-directory')
      registration = await runAction(
        {
          ...targetInputs(target),
          'model-name': modelName,
          'model-path': 'examples/model',
          aliases: 'champion, candidate',
          tags: 'team=vision\ndataset=synthetic-v2',
          description: DESCRIPTION
        },
        githubEnv(RUN_ID)
      )
      version = await getModelVersion(serverName, modelName, '1')
    })

    it('directory registers as version 1', () => {
      expect(registration.result.outcome).toBe('registered')
      expect(registration.host.outputs.get('model-version')).toBe('1')
    })

    it('source is the uploaded run directory', async () => {
      const response = await adminApi<{
        run: { info: { artifact_uri: string } }
      }>(serverName, 'GET', 'runs/get', {
        query: { run_id: version.run_id ?? '' }
      })
      expect(version.source).toBe(`${response.run.info.artifact_uri}/model`)
    })

    it('uploaded source holds the MLmodel file', async () => {
      const response = await adminApi<{ files?: { path: string }[] }>(
        serverName,
        'GET',
        'artifacts/list',
        { query: { run_id: version.run_id ?? '', path: 'model' } }
      )
      const paths = (response.files ?? []).map(file => file.path)
      expect(paths).toContain('model/MLmodel')
    })

    it('version loads and predicts in MLflow', async () => {
      const prediction = await predictWithMlflow(
        target.server,
        `models:/${modelName}@champion`,
        target.user
      )
      expect(prediction).toMatch(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/)
    })

    it('aliases point at the version', async () => {
      const response = await adminApi<RestRegisteredModel>(
        serverName,
        'GET',
        'registered-models/get',
        { query: { name: modelName } }
      )
      expect(response.registered_model.aliases).toEqual(
        expect.arrayContaining([
          { alias: 'champion', version: '1' },
          { alias: 'candidate', version: '1' }
        ])
      )
    })

    it('user tags are on the version', () => {
      const tags = tagsOf(version)
      expect(tags.team).toBe('vision')
      expect(tags.dataset).toBe('synthetic-v2')
    })

    it('provenance tags are on the version', () => {
      const tags = tagsOf(version)
      expect(tags['ci.system']).toBe('github-actions')
      expect(tags['ci.repository']).toBe('hokusai/mlflow-register')
      expect(tags['ci.commit']).toBe(githubEnv().GITHUB_SHA)
      expect(tags['ci.run_id']).toBe(RUN_ID)
      expect(tags['ci.run_url']).toBe(
        `https://github.com/hokusai/mlflow-register/actions/runs/${RUN_ID}`
      )
    })

    it('idempotency key tag is on the version', () => {
      const key = tagsOf(version)['mlflow_register.idempotency_key']
      expect(key).toMatch(/^[0-9a-f]{64}$/)
    })

    it('description is on the version', () => {
      expect(version.description).toBe(DESCRIPTION)
    })

    it('outputs name the new version', () => {
      const { outputs } = registration.host
      expect(outputs.get('model-uri')).toBe(`models:/${modelName}/1`)
      expect(outputs.get('model-url')).toBe(
        `${target.server.url}/#/models/${modelName}/versions/1`
      )
    })

    it('run shows no secret', () => {
      expect(leakedSecrets(registration.host, [], target.user)).toEqual([])
    })
  }
)

describe.each(['plain', 'basicAuth'] as const)(
  'a forced version of a directory with a large file on the %s server',
  serverName => {
    const runId = '73914026'
    let target: Target
    let modelName: string
    let model: string
    let first: ActionRun
    let forced: ActionRun
    let versions: RestModelVersion[]

    /** Registers the model; `force` hashes its large file during upload. */
    function register(force: boolean): Promise<ActionRun> {
      return runAction(
        {
          ...targetInputs(target),
          'model-name': modelName,
          'model-path': model,
          'force-new-version': String(force)
        },
        githubEnv(runId)
      )
    }

    beforeAll(async () => {
      target = await createTarget(serverName)
      modelName = uniqueModelName('forced-directory')
      model = await mkdtemp(path.join(tmpdir(), 'forced-model-'))
      await cp('examples/model', model, { recursive: true })
      await writeFile(path.join(model, 'weights.bin'), randomBytes(3 << 20))
      first = await register(false)
      forced = await register(true)
      versions = await Promise.all(
        ['1', '2'].map(v => getModelVersion(serverName, modelName, v))
      )
    })

    afterAll(async () => {
      await rm(model, { recursive: true, force: true })
    })

    it('forced run registers version 2', () => {
      expect(first.result.outcome).toBe('registered')
      expect(forced.result.outcome).toBe('registered')
      expect(forced.host.outputs.get('model-version')).toBe('2')
    })

    // The first run hashes the files before the upload, the forced one
    // while it sends them; both must record the same digest and key.
    it('both versions record the same digest and key', () => {
      const [one, two] = versions.map(tagsOf)
      const digest = one?.['mlflow_register.model_digest']
      expect(digest).toMatch(/^[0-9a-f]{64}$/)
      expect(two?.['mlflow_register.model_digest']).toBe(digest)
      expect(forced.host.outputs.get('model-digest')).toBe(digest)
      const key = one?.['mlflow_register.idempotency_key']
      expect(two?.['mlflow_register.idempotency_key']).toBe(key)
    })

    it('both runs carry the digest and are finished', async () => {
      const runs = await Promise.all(
        versions.map(version =>
          adminApi<RestRun>(serverName, 'GET', 'runs/get', {
            query: { run_id: version.run_id ?? '' }
          })
        )
      )
      const digests = runs.map(({ run }) =>
        run.data.tags?.find(t => t.key === 'mlflow_register.model_digest')
      )
      expect(digests[1]?.value).toBe(digests[0]?.value)
      expect(digests[1]?.value).toMatch(/^[0-9a-f]{64}$/)
      expect(runs.map(({ run }) => run.info.status)).toEqual([
        'FINISHED',
        'FINISHED'
      ])
      expect(versions[1]?.run_id).not.toBe(versions[0]?.run_id)
    })

    it('forced run shows no secret', () => {
      expect(leakedSecrets(forced.host, [], target.user)).toEqual([])
    })
  }
)
