/**
 * How a registration ends when the registry responds in ways MLflow 3.17.2
 * does not on demand: versions held PENDING_REGISTRATION or marked
 * FAILED_REGISTRATION (the fake server), an alias rejected after the
 * version exists (the fake server), and a create race that real MLflow
 * loses with RESOURCE_ALREADY_EXISTS (through the fault proxy).
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'

import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions
} from '../../src/fake-server/index.js'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import {
  githubEnv,
  listVersionNumbers,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
import { mlflowApi, testServers, uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const MODEL = 'fraud-model'

let fake: FakeServer | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function startFake(options: FakeServerOptions): Promise<FakeServer> {
  fake = await startFakeServer(options)
  return fake
}

function fakeInputs(
  server: FakeServer,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    'tracking-uri': server.url,
    'model-name': MODEL,
    'model-path': 'examples/model',
    aliases: 'champion',
    ...extra
  }
}

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

function aliasWrites(server: FakeServer): number {
  return server.requests.matching({
    method: 'POST',
    path: 'registered-models/alias'
  }).length
}

describe('a version that is pending at first', () => {
  it('sets the alias only once READY', async () => {
    const server = await startFake({
      versionStatus: { pendingReads: 1, outcome: 'READY' }
    })
    const run = await runAction(fakeInputs(server))

    expect(run.result.outcome).toBe('registered')
    const paths = server.requests.entries.map(entry => entry.path)
    const lastPoll = paths.lastIndexOf('/api/2.0/mlflow/model-versions/get')
    const alias = paths.indexOf('/api/2.0/mlflow/registered-models/alias')
    expect(
      paths.filter(p => p.endsWith('model-versions/get')).length
    ).toBeGreaterThanOrEqual(2)
    expect(alias).toBeGreaterThan(lastPoll)
    expect(server.state.registry.getModel(MODEL).aliases.get('champion')).toBe(
      1
    )
  })
})

describe('a version that stays pending', () => {
  let run: ActionRun
  let server: FakeServer

  beforeAll(async () => {
    server = await startFakeServer({
      versionStatus: { pendingReads: 1000, outcome: 'READY' }
    })
    run = await runAction(fakeInputs(server, { 'wait-timeout': '2' }))
  })

  afterAll(async () => {
    await server.close()
  })

  it('fails with TIMEOUT_PENDING', () => {
    expect(run.host.outputs.get('diagnosis')).toBe('TIMEOUT_PENDING')
  })

  it('names model, version and status', () => {
    const message = errorMessage(run)
    expect(message).toContain(`Version 1 of '${MODEL}'`)
    expect(message).toContain('PENDING_REGISTRATION')
    expect(message).toMatch(/after \d+ s/)
  })

  it('still outputs the version', () => {
    expect(run.host.outputs.get('model-version')).toBe('1')
  })

  it('moves no alias', () => {
    expect(aliasWrites(server)).toBe(0)
  })

  it('ends failed, not deferred', () => {
    expect(run.result.outcome).toBe('failed')
  })
})

describe('a version that fails registration', () => {
  it('fails with the status message', async () => {
    const server = await startFake({
      versionStatus: {
        pendingReads: 0,
        outcome: 'FAILED_REGISTRATION',
        statusMessage: 'Failed to copy model artifacts to the registry'
      }
    })
    const run = await runAction(fakeInputs(server))

    expect(run.host.outputs.get('diagnosis')).toBe('REGISTRATION_FAILED')
    expect(errorMessage(run)).toContain('Failed to copy model artifacts')
    expect(run.host.outputs.get('model-version')).toBe('1')
    expect(aliasWrites(server)).toBe(0)
    expect(run.result.outcome).toBe('failed')
  })
})

describe('an alias rejected after the version exists', () => {
  let server: FakeServer
  let rejected: ActionRun
  let rerun: ActionRun

  beforeAll(async () => {
    server = await startFakeServer()
    server.faults.respond(
      'registered-models/alias',
      {
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: "Alias 'champion' is not allowed by the registry policy"
        }
      },
      { method: 'POST', times: 1 }
    )
    const env = githubEnv(uniqueRunId())
    rejected = await runAction(fakeInputs(server), env)
    rerun = await runAction(fakeInputs(server), {
      ...env,
      GITHUB_RUN_ATTEMPT: '2'
    })
  })

  afterAll(async () => {
    await server.close()
  })

  it('fails with CLIENT_CONFIG', () => {
    expect(rejected.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
  })

  it("quotes the server's reason", () => {
    expect(errorMessage(rejected)).toContain('not allowed by the registry')
  })

  it('says the version exists without the alias', () => {
    expect(errorMessage(rejected)).toContain(
      `Version 1 of '${MODEL}' exists without the aliases 'champion'`
    )
  })

  it('still outputs the version', () => {
    expect(rejected.host.outputs.get('model-version')).toBe('1')
  })

  it('sends the alias once per run', () => {
    expect(aliasWrites(server)).toBe(2)
  })

  it('re-run reuses the version', () => {
    expect(rerun.result.outcome).toBe('reused')
    expect(rerun.host.outputs.get('model-version')).toBe('1')
  })

  it('leaves one version with the alias', () => {
    const model = server.state.registry.getModel(MODEL)
    expect(model.versions).toHaveLength(1)
    expect(model.aliases.get('champion')).toBe(1)
  })
})

describe('a tag rejected on a reused version', () => {
  it('names the tags the version lacks', async () => {
    const server = await startFake({})
    const env = githubEnv(uniqueRunId())
    await runAction(fakeInputs(server), env)
    server.faults.respond(
      'model-versions/set-tag',
      {
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: 'Tag keys must start with the team prefix'
        }
      },
      { method: 'POST', times: 1 }
    )
    const rerun = await runAction(
      fakeInputs(server, { tags: 'team=risk\nnote=retrained' }),
      { ...env, GITHUB_RUN_ATTEMPT: '2' }
    )

    expect(rerun.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(errorMessage(rerun)).toContain('must start with the team prefix')
    expect(errorMessage(rerun)).toContain(
      "exists without these changes: tag 'team', tag 'note'"
    )
    expect(rerun.host.outputs.get('model-version')).toBe('1')
    expect(server.state.registry.getModel(MODEL).versions).toHaveLength(1)
  })
})

describe('a model search that comes back empty', () => {
  it('registers with no duplicate create', async () => {
    const server = await startFake({ quirks: { emptyModelSearch: true } })
    server.state.registry.createModel(MODEL, [], undefined)
    const run = await runAction(fakeInputs(server))

    expect(run.result.outcome).toBe('registered')
    expect(
      server.requests.matching({ path: 'registered-models/create' })
    ).toHaveLength(0)
  })
})

describe.each(['fraud-model', "o'brien-model"])(
  'searches that take single quotes only, for %s',
  name => {
    let server: FakeServer
    let first: ActionRun
    let rerun: ActionRun

    beforeAll(async () => {
      server = await startFakeServer({
        quirks: { singleQuotedFilters: true }
      })
      const env = githubEnv(uniqueRunId())
      const inputs = { ...fakeInputs(server), 'model-name': name }
      first = await runAction(inputs, env)
      rerun = await runAction(inputs, { ...env, GITHUB_RUN_ATTEMPT: '2' })
    })

    afterAll(async () => {
      await server.close()
    })

    it('registers, then reuses on a re-run', () => {
      expect(first.result.outcome).toBe('registered')
      expect(rerun.result.outcome).toBe('reused')
      expect(server.state.registry.getModel(name).versions).toHaveLength(1)
    })

    it('searches the versions on the re-run', () => {
      const searches = server.requests.matching({ path: /\/search$/ })

      expect(searches.length).toBeGreaterThan(0)
    })
  }
)

describe('a version search that comes back empty', () => {
  let server: FakeServer
  let first: ActionRun
  let rerun: ActionRun

  beforeAll(async () => {
    server = await startFakeServer({ quirks: { emptyVersionSearch: true } })
    const env = githubEnv(uniqueRunId())
    first = await runAction(fakeInputs(server), env)
    rerun = await runAction(fakeInputs(server), {
      ...env,
      GITHUB_RUN_ATTEMPT: '2'
    })
  })

  afterAll(async () => {
    await server.close()
  })

  it('re-run reuses the first version', () => {
    expect(first.result.outcome).toBe('registered')
    expect(rerun.result.outcome).toBe('reused')
    expect(server.state.registry.getModel(MODEL).versions).toHaveLength(1)
  })

  it('warns that the search is incomplete', () => {
    const warnings = rerun.host.lines.filter(line => line.level === 'warning')
    expect(warnings.map(line => line.message).join('\n')).toContain(
      'returned no version 1, which exists'
    )
  })

  it('confirms the version with exact reads', () => {
    const reads = server.requests.matching({ path: 'model-versions/get' })
    expect(reads.some(read => read.query.version === '1')).toBe(true)
  })
})

describe('a complete version search on MLflow', () => {
  it('registers a second run without exact reads', async () => {
    const modelName = uniqueModelName('search')
    const register = () =>
      runAction(
        {
          'tracking-uri': testServers().plain.url,
          'model-name': modelName,
          'model-path': 'examples/model'
        },
        githubEnv(uniqueRunId())
      )
    await register()
    const second = await register()

    expect(second.result.outcome).toBe('registered')
    const text = second.host.lines.map(line => line.message).join('\n')
    expect(text).not.toContain('Version search is incomplete')
    expect(text).not.toContain('reads the newest')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
  })
})

describe('a logged-model source on MLflow 2', () => {
  it('fails as UNSUPPORTED_FEATURE', async () => {
    const server = await startFake({ mlflowMajor: 2 })
    const run = await runAction({
      'tracking-uri': server.url,
      'model-name': MODEL,
      source: `models:/m-${'a'.repeat(32)}`
    })

    expect(run.host.outputs.get('diagnosis')).toBe('UNSUPPORTED_FEATURE')
    expect(errorMessage(run)).toContain('no logged-model API')
    expect(
      server.requests.matching({ path: 'model-versions/create' })
    ).toHaveLength(0)
  })
})

describe('uploads behind a proxy that needs a length', () => {
  it('sends Content-Length on every PUT', async () => {
    const server = await startFake({})
    server.faults.requireContentLength = true
    const run = await runAction(fakeInputs(server))

    expect(run.result.outcome).toBe('registered')
    const puts = server.requests.matching({ method: 'PUT' })
    expect(puts.length).toBeGreaterThan(0)
    for (const put of puts) {
      expect(put.headers['content-length']).toBe(String(put.bodySize))
      expect(put.headers['transfer-encoding']).toBeUndefined()
    }
  })
})

describe('an experiment deleted on MLflow', () => {
  it('fails as CLIENT_CONFIG naming it', async () => {
    const plain = testServers().plain
    const experimentName = uniqueModelName('deleted')
    const created = await mlflowApi<{ experiment_id: string }>(
      plain,
      'POST',
      'experiments/create',
      { body: { name: experimentName } }
    )
    await mlflowApi(plain, 'POST', 'experiments/delete', {
      body: { experiment_id: created.experiment_id }
    })
    const modelName = uniqueModelName('deleted')
    const run = await runAction({
      'tracking-uri': plain.url,
      'model-name': modelName,
      'model-path': 'examples/model',
      'experiment-name': experimentName
    })

    expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(errorMessage(run)).toContain(`'${experimentName}'`)
    expect(errorMessage(run)).toContain('is deleted')
    expect(await listVersionNumbers('plain', modelName)).toEqual([])
  })
})

describe('two jobs creating one experiment at once', () => {
  let proxy: FaultProxy

  beforeAll(async () => {
    proxy = await startFaultProxy(testServers().plain.url)
  })

  afterAll(async () => {
    await proxy.close()
  })

  // The first lookup misses the experiment the other job creates just
  // after it, so this job's create gets RESOURCE_ALREADY_EXISTS.
  it('loser of the race uses the experiment', async () => {
    const experimentName = uniqueModelName('race')
    await mlflowApi(testServers().plain, 'POST', 'experiments/create', {
      body: { name: experimentName }
    })
    proxy.setFaults([
      {
        method: 'GET',
        path: 'experiments/get-by-name',
        action: {
          kind: 'respond',
          response: {
            status: 404,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              error_code: 'RESOURCE_DOES_NOT_EXIST',
              message: `Could not find experiment with name '${experimentName}'`
            })
          }
        }
      }
    ])
    const run = await runAction({
      'tracking-uri': proxy.url,
      'model-name': uniqueModelName('race'),
      'model-path': 'examples/model',
      'experiment-name': experimentName
    })

    expect(run.result.outcome).toBe('registered')
    const creates = proxy.requests.filter(r =>
      r.path.endsWith('experiments/create')
    )
    expect(creates).toHaveLength(1)
  })
})

describe('two jobs creating one model at once', () => {
  let proxy: FaultProxy

  beforeAll(async () => {
    proxy = await startFaultProxy(testServers().plain.url)
  })

  afterAll(async () => {
    await proxy.close()
  })

  // The first read misses the model that the other job creates just
  // after it, so this job's create gets real MLflow's
  // 400 RESOURCE_ALREADY_EXISTS.
  it('loser of the race still registers', async () => {
    const modelName = uniqueModelName('race')
    await mlflowApi(testServers().plain, 'POST', 'registered-models/create', {
      body: { name: modelName }
    })
    proxy.setFaults([
      {
        method: 'GET',
        path: 'registered-models/get',
        action: {
          kind: 'respond',
          response: {
            status: 404,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              error_code: 'RESOURCE_DOES_NOT_EXIST',
              message: `Registered Model with name=${modelName} not found`
            })
          }
        }
      }
    ])
    const run = await runAction({
      'tracking-uri': proxy.url,
      'model-name': modelName,
      'model-path': 'examples/model'
    })

    expect(run.result.outcome).toBe('registered')
    const creates = proxy.requests.filter(r =>
      r.path.endsWith('registered-models/create')
    )
    expect(creates).toHaveLength(1)
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1'])
  })

  it('both jobs register one version each', async () => {
    const modelName = uniqueModelName('race')
    const job = () =>
      runAction(
        {
          'tracking-uri': testServers().plain.url,
          'model-name': modelName,
          'model-path': 'examples/model'
        },
        githubEnv(uniqueRunId())
      )
    const runs = await Promise.all([job(), job()])

    expect(runs.map(run => run.result.outcome)).toEqual([
      'registered',
      'registered'
    ])
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
  })
})
