import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  createTarget,
  getModelVersion,
  githubEnv,
  leakedSecrets,
  listVersionNumbers,
  runAction,
  targetInputs,
  uniqueRunId,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

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

  it('force-new-version creates another version', async () => {
    const runId = uniqueRunId()
    const modelName = uniqueModelName('rerun')
    await runAction(inputsFor(modelName, {}), githubEnv(runId))
    const second = await runAction(
      inputsFor(modelName, { 'force-new-version': 'true' }),
      rerunEnv(runId)
    )

    expect(second.result.outcome).toBe('registered')
    expect(second.host.outputs.get('model-version')).toBe('2')
    expect(await listVersionNumbers('plain', modelName)).toEqual(['1', '2'])
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
