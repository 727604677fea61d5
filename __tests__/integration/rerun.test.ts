import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'

import {
  createTarget,
  getModelVersion,
  githubEnv,
  leakedSecrets,
  listVersionNumbers,
  runAction,
  targetInputs,
  uniqueRunId,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

/** Builds the environment of a re-run: same workflow run, later attempt. */
function rerunEnv(runId: string): NodeJS.ProcessEnv {
  return { ...githubEnv(runId), GITHUB_RUN_ATTEMPT: '2' }
}

describe.each(['plain', 'basicAuth'] as const)(
  're-run on the %s server',
  serverName => {
    let target: Target

    beforeAll(async () => {
      target = await createTarget(serverName)
    })

    it('same workflow run reuses the version', async () => {
      const runId = uniqueRunId()
      const inputs = {
        ...targetInputs(target),
        'model-name': uniqueModelName('rerun'),
        'model-path': 'examples/model'
      }
      const first = await runAction(inputs, githubEnv(runId))
      const second = await runAction(inputs, rerunEnv(runId))

      expect(first.result.outcome).toBe('registered')
      expect(second.result.outcome).toBe('reused')
      expect(second.host.outputs.get('model-version')).toBe(
        first.host.outputs.get('model-version')
      )
      expect(
        await listVersionNumbers(serverName, inputs['model-name'])
      ).toEqual(['1'])
      expect(leakedSecrets(second.host, [], target.user)).toEqual([])
    })
  }
)

describe('re-run with changed inputs', () => {
  let target: Target

  beforeAll(async () => {
    target = await createTarget('plain')
  })

  function inputsFor(modelName: string, extra: Record<string, string>) {
    return {
      ...targetInputs(target),
      'model-name': modelName,
      'model-path': 'examples/model',
      ...extra
    }
  }

  it('changed tags and description update the version', async () => {
    const runId = uniqueRunId()
    const modelName = uniqueModelName('rerun')
    await runAction(
      inputsFor(modelName, { tags: 'stage=candidate', description: 'first' }),
      githubEnv(runId)
    )
    const second = await runAction(
      inputsFor(modelName, { tags: 'stage=approved', description: 'second' }),
      rerunEnv(runId)
    )

    expect(second.result.outcome).toBe('reused')
    const version = await getModelVersion('plain', modelName, '1')
    const stage = version.tags?.find(tag => tag.key === 'stage')?.value
    expect(stage).toBe('approved')
    expect(version.description).toBe('second')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1'])
  })

  /** Registers, then re-runs the same workflow run with a forced version. */
  async function registerThenForce(runId: string, modelName: string) {
    await runAction(inputsFor(modelName, {}), githubEnv(runId))
    return runAction(
      inputsFor(modelName, { 'force-new-version': 'true' }),
      rerunEnv(runId)
    )
  }

  it('force-new-version creates another version', async () => {
    const modelName = uniqueModelName('rerun')
    const second = await registerThenForce(uniqueRunId(), modelName)

    expect(second.result.outcome).toBe('registered')
    expect(second.host.outputs.get('model-version')).toBe('2')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
  })

  it('a later re-run reuses the first version, not a forced one', async () => {
    const runId = uniqueRunId()
    const modelName = uniqueModelName('rerun')
    await registerThenForce(runId, modelName)
    const third = await runAction(inputsFor(modelName, {}), {
      ...githubEnv(runId),
      GITHUB_RUN_ATTEMPT: '3'
    })

    expect(third.result.outcome).toBe('reused')
    expect(third.host.outputs.get('model-version')).toBe('1')
    const warnings = third.host.lines.filter(l => l.level === 'warning')
    expect(warnings.map(l => l.title)).not.toContain('Duplicate model versions')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
  })

  it('force-new-version uploads into a new run', async () => {
    const modelName = uniqueModelName('rerun')
    await registerThenForce(uniqueRunId(), modelName)

    const first = await getModelVersion('plain', modelName, '1')
    const second = await getModelVersion('plain', modelName, '2')
    expect(second.source).toBeDefined()
    expect(second.source).not.toBe(first.source)
    expect(second.run_id).not.toBe(first.run_id)
  })

  it('outside CI says what the reused version had in common', async () => {
    const modelName = uniqueModelName('rerun')
    await runAction(inputsFor(modelName, {}), {})
    const second = await runAction(inputsFor(modelName, {}), {})

    expect(second.result.outcome).toBe('reused')
    const info = second.host.lines.map(line => line.message)
    expect(info).toContainEqual(
      expect.stringContaining('registered from the same model outside CI')
    )
  })

  it('other workflow run creates another version', async () => {
    const modelName = uniqueModelName('rerun')
    await runAction(inputsFor(modelName, {}), githubEnv(uniqueRunId()))
    const second = await runAction(
      inputsFor(modelName, {}),
      githubEnv(uniqueRunId())
    )

    expect(second.result.outcome).toBe('registered')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
  })
})

describe('re-run after a gateway timeout on an upload', () => {
  const LARGEST_FILE = 'model/model.skops'
  const ARTIFACT_PUTS = '/mlflow-artifacts/artifacts/'
  let proxy: FaultProxy
  let bundleDir: string
  let firstPuts: string[]
  let secondPuts: string[]
  let first: ActionRun
  let second: ActionRun
  let modelName: string

  // The proxy stores the file in MLflow, then returns 504 as a gateway
  // whose read timeout ran out, so the first attempt fails although the
  // file landed. The re-run must find that run and not send it again.
  beforeAll(async () => {
    proxy = await startFaultProxy(testServers().plain.url)
    bundleDir = mkdtempSync(path.join(tmpdir(), 'rerun-bundles-'))
    proxy.setFaults([
      {
        method: 'PUT',
        path: LARGEST_FILE,
        action: {
          kind: 'respond-after',
          response: { status: 504, body: 'Gateway Time-out' }
        }
      }
    ])
    const runId = uniqueRunId()
    modelName = uniqueModelName('resume')
    const inputs = {
      'tracking-uri': proxy.url,
      'experiment-name': uniqueModelName('resume-uploads'),
      'model-name': modelName,
      'model-path': 'examples/model',
      'max-attempts': '1',
      'bundle-dir': bundleDir
    }
    first = await runAction(inputs, githubEnv(runId))
    firstPuts = artifactPuts()
    proxy.setFaults([])
    second = await runAction(inputs, rerunEnv(runId))
    secondPuts = artifactPuts().slice(firstPuts.length)
  })

  afterAll(async () => {
    await proxy.close()
    rmSync(bundleDir, { recursive: true, force: true })
  })

  function artifactPuts(): string[] {
    return proxy.requests
      .filter(entry => entry.method === 'PUT')
      .filter(entry => entry.path.includes(ARTIFACT_PUTS))
      .map(entry => entry.path)
  }

  it('first attempt fails on the upload', () => {
    expect(first.result.outcome).not.toBe('registered')
    expect(first.result.diagnosis?.evidence.status).toBe(504)
    expect(firstPuts.some(put => put.endsWith(LARGEST_FILE))).toBe(true)
  })

  it('re-run registers the version', async () => {
    expect(second.result.outcome).toBe('registered')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1'])
  })

  it('re-run skips the stored file', () => {
    expect(secondPuts.some(put => put.endsWith(LARGEST_FILE))).toBe(false)
    expect(second.host.logText()).toContain('they are not sent again')
  })

  it('re-run uploads into the same run', () => {
    const runOf = (put: string) =>
      /\/artifacts\/[^/]+\/([0-9a-f]{32})\//.exec(put)?.[1]
    const firstRun = runOf(firstPuts[0] ?? '')
    expect(firstRun).toBeDefined()
    expect(second.result.version?.run_id).toBe(firstRun)
  })
})
