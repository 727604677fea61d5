import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import { DiagnosedError } from '../../src/diagnosis/diagnosis.js'
import {
  adminApi,
  listVersionNumbers,
  runAction,
  type ActionRun
} from '../support/registration.js'
import { composeRegistration } from '../support/recording-http.js'
import { testServers, uniqueModelName } from '../support/servers.js'

jest.setTimeout(180_000)

const server = () => testServers().plain

function register(
  modelName: string,
  extra: Record<string, string>
): Promise<ActionRun> {
  return runAction({
    'tracking-uri': server().url,
    'model-name': modelName,
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('alias-guard'),
    aliases: 'champion',
    ...extra
  })
}

async function aliasesOf(modelName: string): Promise<Record<string, string>> {
  const response = await adminApi<{
    registered_model: { aliases?: { alias: string; version: string }[] }
  }>('plain', 'GET', 'registered-models/get', { query: { name: modelName } })
  return Object.fromEntries(
    (response.registered_model.aliases ?? []).map(a => [a.alias, a.version])
  )
}

describe('expected-alias-versions on a real server', () => {
  const modelName = uniqueModelName('alias-guard')
  let first: ActionRun
  let conflict: ActionRun
  let moved: ActionRun

  beforeAll(async () => {
    first = await register(modelName, {
      'expected-alias-versions': 'champion=none'
    })
    conflict = await register(modelName, {
      'expected-alias-versions': 'champion=none'
    })
    moved = await register(modelName, {
      'expected-alias-versions': 'champion=1'
    })
  })

  it('moves an unset alias expected none', () => {
    expect(first.result.outcome).toBe('registered')
    expect(first.host.outputs.get('model-version')).toBe('1')
  })

  it('fails with ALIAS_CONFLICT on a mismatch', () => {
    expect(conflict.result.outcome).toBe('failed')
    expect(conflict.result.diagnosis?.code).toBe('ALIAS_CONFLICT')
  })

  it('logs no replacement it did not make', () => {
    expect(conflict.host.logText()).not.toMatch(/replaces version/)
  })

  it('names alias, expected and actual version', () => {
    expect(conflict.result.diagnosis?.detail).toContain(
      "Alias 'champion' of registered model"
    )
    expect(conflict.result.diagnosis?.detail).toContain(
      'expected to point to no version (unset) but points to version 1'
    )
  })

  it('keeps the conflicting version registered', () => {
    expect(conflict.host.outputs.get('model-version')).toBe('2')
  })

  it('moves the alias when the guard matches', () => {
    expect(moved.result.outcome).toBe('registered')
    expect(moved.host.outputs.get('model-version')).toBe('3')
  })

  it('leaves the alias on the expected version', async () => {
    expect(await aliasesOf(modelName)).toEqual({ champion: '3' })
    expect(await listVersionNumbers('plain', modelName)).toEqual([
      '1',
      '2',
      '3'
    ])
  })
})

describe('expected-alias-versions race', () => {
  it('reports a writer that moved the alias', async () => {
    const modelName = uniqueModelName('alias-race')
    const inputs = {
      'tracking-uri': server().url,
      'model-name': modelName,
      'model-path': 'examples/model',
      'experiment-name': uniqueModelName('alias-race'),
      aliases: 'champion',
      'expected-alias-versions': 'champion=none'
    }
    await runAction({ ...inputs, 'expected-alias-versions': '' })
    await adminApi('plain', 'DELETE', 'registered-models/alias', {
      body: { name: modelName, alias: 'champion' }
    })
    const steps = composeRegistration(inputs)
    // Another pipeline points the alias at version 1 right after this
    // run set it, before the read-back.
    steps.http.afterResponse = async request => {
      if (request.operation !== 'set alias') return
      await adminApi('plain', 'POST', 'registered-models/alias', {
        body: { name: modelName, alias: 'champion', version: '1' }
      })
    }
    let thrown: unknown
    try {
      await steps.register()
    } catch (error) {
      thrown = error
    } finally {
      await steps.close()
    }
    expect(thrown).toBeInstanceOf(DiagnosedError)
    const { diagnosis } = thrown as DiagnosedError
    expect(diagnosis.code).toBe('ALIAS_CONFLICT')
    expect(diagnosis.detail).toContain(
      'set to version 2, but reading it back shows version 1'
    )
  })
})
