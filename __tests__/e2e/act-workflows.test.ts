/**
 * Runs workflows with nektos/act on the host, against the real MLflow
 * server with basic auth. The first run registers through `uses: ./` and
 * through the reusable register.yml, then defers a registration while the
 * tracking URI has no listener. The test then makes that URI reachable,
 * and a second run registers the bundle with the reusable sync.yml. act's
 * servers and MLflow listen on 127.0.0.1 only, and act clones nothing.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync
} from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  ACT,
  createActSandbox,
  forwardPort,
  runAct,
  type ActResult,
  type ActSandbox
} from '../support/act.js'
import { freePort } from '../../scripts/mlflow/servers.mjs'
import {
  startGitHubServices,
  type GitHubServices
} from '../support/github-services.js'
import {
  createTestUser,
  mlflowApi,
  testServers,
  uniqueModelName
} from '../support/servers.js'
import { bundleTexts, expectSecretsAbsent } from '../support/secret-scan.js'
import { ROOT } from '../support/spawn-node.js'

// Two act runs with four registrations, on a shared machine.
jest.setTimeout(240_000)

/** The outputs of the jobs that a fixture's report job writes. */
type JobOutputs = Record<
  string,
  { result: string; outputs: Record<string, string> }
>

interface RestModelVersion {
  readonly version: string
}

const server = testServers().basicAuth
const modelName = uniqueModelName('act')
let root: string
let sandbox: ActSandbox
let downPort: number
let registerRun: ActResult
let syncRun: ActResult
let registerReport: JobOutputs
let syncReport: JobOutputs
let bundlesAfterOutage: string[]
/** The text of every bundle file right after the outage, by path. */
let bundleFilesAfterOutage: Record<string, string>
/** The ACTIONS_RUNTIME_TOKEN both runs get, which the runner masks. */
let runtimeToken: string
let password: string
let username: string
let services: GitHubServices

async function listVersions(): Promise<RestModelVersion[]> {
  const response = await mlflowApi<{ model_versions?: RestModelVersion[] }>(
    server,
    'GET',
    'model-versions/search',
    {
      query: { filter: `name = '${modelName}'` },
      auth: testServers().admin
    }
  )
  return response.model_versions ?? []
}

function readReport(file: string): JobOutputs {
  return JSON.parse(readFileSync(file, 'utf8')) as JobOutputs
}

/** Prints act's output when a run failed, to explain the test failure. */
function explain(result: ActResult): string {
  return result.exitCode === 0 ? '' : result.output.slice(-6000)
}

beforeAll(async () => {
  if (!existsSync(ACT)) {
    throw new Error(
      `act is missing at ${ACT}: run bash scripts/install-go-tools.sh`
    )
  }
  root = mkdtempSync(path.join(ROOT, '.test-state', 'act-'))
  sandbox = await createActSandbox(root)
  downPort = await freePort()
  const user = await createTestUser('act-bot')
  const bundleDir = path.join(root, 'bundles')
  const vars = {
    TRACKING_URI: server.url,
    DOWN_URI: `http://127.0.0.1:${downPort}`,
    MLFLOW_USERNAME: user.username,
    MODEL_NAME: modelName,
    EXPERIMENT_NAME: uniqueModelName('act-experiment'),
    SOURCE_DIR: sandbox.repository,
    BUNDLE_DIR: bundleDir
  }
  password = user.password
  username = user.username
  const secrets = { MLFLOW_TRACKING_PASSWORD: password }
  // NOTE: act 0.2.87's artifact server rejects the CreateArtifact request
  // of @actions/artifact 6.2.1 (unknown field `mime_type`), so the steps
  // get the results URL of the loopback stand-in for GitHub's services.
  // act's own cache server (cache protocol v1) stays in use.
  services = await startGitHubServices()
  runtimeToken = services.runtimeToken()
  const env = {
    ACTIONS_RUNTIME_URL: `${services.url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken
  }

  registerRun = await runAct(sandbox, {
    workflow: '__tests__/fixtures/workflows/act-register.yml',
    vars: { ...vars, REPORT_FILE: path.join(root, 'register.json') },
    secrets,
    env
  })
  registerReport = readReport(path.join(root, 'register.json'))
  bundlesAfterOutage = readdirSync(bundleDir)
  bundleFilesAfterOutage = bundleTexts(bundleDir)

  // The tracking server is back: DOWN_URI now reaches MLflow.
  const forwarder = await forwardPort(downPort, new URL(server.url))
  try {
    syncRun = await runAct(sandbox, {
      workflow: '__tests__/fixtures/workflows/act-sync.yml',
      vars: { ...vars, REPORT_FILE: path.join(root, 'sync.json') },
      secrets,
      env
    })
  } finally {
    await forwarder.close()
  }
  syncReport = readReport(path.join(root, 'sync.json'))
  process.stdout.write(
    `act runs took ${registerRun.durationMs} ms and ` +
      `${syncRun.durationMs} ms\n`
  )
})

afterAll(async () => {
  await services.close()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('act register workflow', () => {
  it('succeeds', () => {
    expect(explain(registerRun)).toBe('')
    expect(registerRun.exitCode).toBe(0)
  })

  it('registers through uses: ./', () => {
    expect(registerReport.direct?.outputs.outcome).toBe('registered')
    expect(registerReport.direct?.outputs['model-version']).toBe('1')
  })

  it('registers through register.yml', () => {
    const reusable = registerReport.reusable?.outputs

    expect(reusable?.outcome).toBe('registered')
    expect(reusable?.['model-version']).toBe('2')
    expect(reusable?.['model-uri']).toBe(`models:/${modelName}/2`)
    expect(reusable?.['auth-mode']).toBe('basic')
  })

  it('defers during the outage', () => {
    const outage = registerReport.outage?.outputs

    expect(registerReport.outage?.result).toBe('success')
    expect(outage?.outcome).toBe('deferred')
    expect(outage?.diagnosis).toBe('UNREACHABLE')
    expect(bundlesAfterOutage).toHaveLength(1)
  })

  it('saves the bundle to act cache server', () => {
    const outage = registerReport.outage?.outputs

    expect(outage?.['bundle-key']).toContain(modelName)
    expect(readdirSync(sandbox.cache).length).toBeGreaterThan(0)
  })

  it('uploads the bundle as an artifact', () => {
    const name = registerReport.outage?.outputs['bundle-artifact']
    const uploaded = services.artifacts.filter(artifact => artifact.finalized)

    expect(name).toMatch(/^mlflow-register-bundle-/)
    expect(uploaded.map(artifact => artifact.name)).toEqual([name])
  })

  it('masks the password in the log', () => {
    expect(registerRun.output).not.toContain(password)
    expect(syncRun.output).not.toContain(password)
  })

  it('leaks no form of the credentials', () => {
    expect(Object.keys(bundleFilesAfterOutage).length).toBeGreaterThan(0)
    expectSecretsAbsent(
      { basic: { username, password }, runnerMasked: [runtimeToken] },
      {
        'register log': registerRun.output,
        'sync log': syncRun.output,
        'register outputs': JSON.stringify(registerReport),
        'sync outputs': JSON.stringify(syncReport),
        ...bundleFilesAfterOutage
      }
    )
  })
})

describe('act sync workflow', () => {
  it('succeeds', () => {
    expect(explain(syncRun)).toBe('')
    expect(syncRun.exitCode).toBe(0)
  })

  it('registers the deferred bundle', async () => {
    const sync = syncReport.sync?.outputs
    const report = JSON.parse(sync?.['sync-report'] ?? '[]') as {
      status: string
      version?: string
    }[]
    const versions = await listVersions()

    expect(sync?.outcome).toBe('synced')
    expect(report.map(entry => entry.status)).toEqual(['synced'])
    expect(versions.map(version => version.version).sort()).toEqual([
      '1',
      '2',
      '3'
    ])
  })

  it('moves the alias of the deferred run', async () => {
    const response = await mlflowApi<{ model_version?: RestModelVersion }>(
      server,
      'GET',
      'registered-models/alias',
      {
        query: { name: modelName, alias: 'outage' },
        auth: testServers().admin
      }
    )

    expect(response.model_version?.version).toBe('3')
  })

  it('removes the synced bundle', () => {
    const left = readdirSync(path.join(root, 'bundles')).filter(
      name => !name.startsWith('.')
    )

    expect(left).toEqual([])
  })
})
