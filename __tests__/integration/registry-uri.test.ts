import { beforeAll, afterAll, describe, expect, it, jest } from '@jest/globals'

import {
  adminApi,
  createTarget,
  getModelVersion,
  githubEnv,
  leakedSecrets,
  logRuns,
  runAction,
  uniqueRunId,
  type ActionRun,
  type LoggedRuns,
  type RestModelVersion,
  type Target
} from '../support/registration.js'
import {
  basicHeader,
  testServers,
  uniqueModelName
} from '../support/servers.js'
import {
  startWorkspaceFront,
  type WorkspaceFront
} from '../support/workspace-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

/** Builds an http URL with user info, as a registry URI may carry it. */
function withUserinfo(url: string, user: string, password: string): string {
  const copy = new URL(url)
  copy.username = encodeURIComponent(user)
  copy.password = encodeURIComponent(password)
  return copy.href
}

function logText(run: ActionRun): string {
  return run.host.lines.map(line => line.message).join('\n')
}

describe('runs on basic-auth, registry on the plain server', () => {
  let trackingTarget: Target
  let front: WorkspaceFront
  let modelName: string
  let runId: string
  let first: ActionRun
  let version: RestModelVersion
  const authorizations: (string | undefined)[] = []

  function inputs(): Record<string, string> {
    const { user } = trackingTarget
    return {
      'tracking-uri': trackingTarget.server.url,
      username: user?.username ?? '',
      password: user?.password ?? '',
      'registry-uri': front.url,
      'experiment-name': trackingTarget.experimentName,
      'model-name': modelName,
      'model-path': 'examples/model',
      aliases: 'champion'
    }
  }

  beforeAll(async () => {
    trackingTarget = await createTarget('basicAuth')
    const plain = testServers().plain.url
    // The front relays to the plain server and records what reached it.
    front = await startWorkspaceFront({
      provider: plain,
      mlflow: plain,
      onRequest: request => {
        authorizations.push(request.headers.authorization)
      }
    })
    modelName = uniqueModelName('registry-uri')
    runId = uniqueRunId()
    first = await runAction(inputs(), githubEnv(runId))
    version = await getModelVersion('plain', modelName, '1')
  })

  afterAll(async () => {
    await front.stop()
  })

  it('registers on the registry server', () => {
    expect(first.result.outcome).toBe('registered')
    expect(version.name).toBe(modelName)
  })

  it('records the run as a runs URI', () => {
    expect(version.source).toBe(`runs:/${version.run_id ?? ''}/model`)
  })

  it('creates the run on the tracking server', async () => {
    const found = await adminApi<{ run: { info: { run_id: string } } }>(
      'basicAuth',
      'GET',
      'runs/get',
      { query: { run_id: version.run_id ?? '' } }
    )

    expect(found.run.info.run_id).toBe(version.run_id)
  })

  it('leaves the tracking registry untouched', async () => {
    await expect(
      adminApi('basicAuth', 'GET', 'registered-models/get', {
        query: { name: modelName }
      })
    ).rejects.toThrow('404')
  })

  it('links the version on the registry server', () => {
    expect(first.host.outputs.get('model-url')).toContain(front.url)
  })

  it('sends the tracking credentials nowhere else', () => {
    expect(authorizations.length).toBeGreaterThan(0)
    expect(authorizations.filter(value => value !== undefined)).toEqual([])
    expect(logText(first)).toContain('no credentials')
  })

  it('reuses the version on a re-run', async () => {
    const again = await runAction(inputs(), githubEnv(runId))

    expect(again.result.outcome).toBe('reused')
    expect(again.result.version?.version).toBe('1')
  })

  it('masks the tracking password', () => {
    expect(leakedSecrets(first.host, [], trackingTarget.user)).toEqual([])
  })
})

describe('logged models with a registry on another server', () => {
  let trackingTarget: Target
  let front: WorkspaceFront
  let runs: LoggedRuns

  function register(source: string, modelName: string) {
    const { user } = trackingTarget
    return runAction(
      {
        'tracking-uri': trackingTarget.server.url,
        username: user?.username ?? '',
        password: user?.password ?? '',
        'registry-uri': front.url,
        'model-name': modelName,
        source
      },
      githubEnv()
    )
  }

  beforeAll(async () => {
    trackingTarget = await createTarget('basicAuth')
    const plain = testServers().plain.url
    front = await startWorkspaceFront({ provider: plain, mlflow: plain })
    runs = await logRuns(trackingTarget.server, 'model', trackingTarget.user)
  })

  afterAll(async () => {
    await front.stop()
  })

  it('registers the logged model of a run by its runs URI', async () => {
    const modelName = uniqueModelName('registry-logged')
    const source = `runs:/${runs.loggedModelRunId}/model`
    const run = await register(source, modelName)
    const version = await getModelVersion('plain', modelName, '1')

    expect(run.result.outcome).toBe('registered')
    expect(version.source).toBe(source)
    expect(version.run_id).toBe(runs.loggedModelRunId)
  })

  it('refuses a models URI before any write', async () => {
    const modelName = uniqueModelName('registry-logged-id')
    const run = await register(`models:/${runs.modelId}`, modelName)

    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.fix).toContain(
      `runs:/${runs.loggedModelRunId}/<name>`
    )
    await expect(
      adminApi('plain', 'GET', 'registered-models/get', {
        query: { name: modelName }
      })
    ).rejects.toThrow('404')
  })
})

describe('registry URI with user info', () => {
  const REGISTRY_USER = { username: 'registry-ci', password: 'registry-pw-1' }
  let front: WorkspaceFront
  let run: ActionRun
  const authorizations: (string | undefined)[] = []

  beforeAll(async () => {
    const plain = testServers().plain.url
    front = await startWorkspaceFront({
      provider: plain,
      mlflow: plain,
      onRequest: request => {
        authorizations.push(request.headers.authorization)
      }
    })
    run = await runAction(
      {
        'tracking-uri': plain,
        token: 'tracking-token-not-for-the-registry',
        'registry-uri': withUserinfo(
          front.url,
          REGISTRY_USER.username,
          REGISTRY_USER.password
        ),
        'experiment-name': uniqueModelName('registry-userinfo'),
        'model-name': uniqueModelName('registry-userinfo'),
        'model-path': 'examples/model'
      },
      githubEnv()
    )
  })

  afterAll(async () => {
    await front.stop()
  })

  it('registers with the URI credentials', () => {
    expect(run.result.outcome).toBe('registered')
  })

  it('sends only the URI credentials', () => {
    const expected = basicHeader(REGISTRY_USER.username, REGISTRY_USER.password)

    expect(authorizations.length).toBeGreaterThan(0)
    expect(new Set(authorizations)).toEqual(new Set([expected]))
  })

  it('masks the URI password', () => {
    expect(leakedSecrets(run.host, [], REGISTRY_USER)).toEqual([])
  })
})

describe('preflight with a registry server', () => {
  it('checks both servers', async () => {
    const { plain, basicAuth } = testServers()
    const target = await createTarget('basicAuth')
    const run = await runAction(
      {
        mode: 'preflight',
        'tracking-uri': plain.url,
        'registry-uri': withUserinfo(
          basicAuth.url,
          target.user?.username ?? '',
          target.user?.password ?? ''
        ),
        'model-name': uniqueModelName('registry-preflight')
      },
      githubEnv()
    )

    expect(run.result.outcome).toBe('checked')
    expect(run.result.preflight?.passed.join('\n')).toContain('registry server')
  })

  it('fails on an unreachable tracking server', async () => {
    const { basicAuth } = testServers()
    const target = await createTarget('basicAuth')
    const run = await runAction(
      {
        mode: 'preflight',
        'tracking-uri': 'http://127.0.0.1:9',
        'registry-uri': withUserinfo(
          basicAuth.url,
          target.user?.username ?? '',
          target.user?.password ?? ''
        ),
        'model-name': uniqueModelName('registry-preflight'),
        'max-attempts': '1'
      },
      githubEnv()
    )

    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.evidence).toMatchObject({
      request: expect.stringContaining('127.0.0.1:9/') as unknown
    })
  })
})
