import { describe, expect, it } from '@jest/globals'

import type { RegistryTarget } from '../../../src/config/registry-uri.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { sourceForRegistry } from '../../../src/register/registry-source.js'

const SEPARATE: RegistryTarget = {
  kind: 'server',
  url: new URL('https://registry.example.com'),
  sameOrigin: false
}
const UPLOADED = {
  source: 'mlflow-artifacts:/1/abc/artifacts/model',
  runId: 'abc'
}

describe('sourceForRegistry', () => {
  it('keeps the source on the tracking server', () => {
    const source = sourceForRegistry(
      UPLOADED,
      { kind: 'tracking' },
      'runs:/abc/model'
    )

    expect(source).toEqual(UPLOADED)
  })

  it('sends a runs URI to a separate registry', () => {
    const source = sourceForRegistry(UPLOADED, SEPARATE, 'runs:/abc/model')

    expect(source).toEqual({ source: 'runs:/abc/model', runId: 'abc' })
  })

  it('drops the logged model id', () => {
    const source = sourceForRegistry(
      { source: 'models:/m-1', runId: 'abc', modelId: 'm-1' },
      SEPARATE,
      'runs:/abc/model'
    )

    expect(source).toEqual({ source: 'runs:/abc/model', runId: 'abc' })
  })

  it('keeps a source without a run', () => {
    const given = { source: 's3://bucket/model' }

    expect(sourceForRegistry(given, SEPARATE, 's3://bucket/model')).toEqual(
      given
    )
  })
})

describe('sourceForRegistry with files behind the artifact proxy', () => {
  const RUN = '0123456789abcdef0123456789abcdef'

  it('names a run file source by its runs URI', () => {
    const given = {
      source: `mlflow-artifacts:/7/${RUN}/artifacts/models/fraud`,
      runId: RUN
    }

    expect(sourceForRegistry(given, SEPARATE, given.source)).toEqual({
      source: `runs:/${RUN}/models/fraud`,
      runId: RUN
    })
  })

  it('keeps a file source of another run', () => {
    const given = {
      source: `mlflow-artifacts:/7/${RUN}/artifacts/model`,
      runId: 'ffffffffffffffffffffffffffffffff'
    }

    expect(sourceForRegistry(given, SEPARATE, given.source)).toEqual(given)
  })
})

describe('sourceForRegistry with a logged model', () => {
  function rejection(runId?: string): DiagnosedError | undefined {
    const given = {
      source: 'models:/m-42',
      modelId: 'm-42',
      ...(runId ? { runId } : {})
    }
    try {
      sourceForRegistry(given, SEPARATE, given.source)
    } catch (error) {
      if (error instanceof DiagnosedError) return error
      throw error
    }
    return undefined
  }

  it('refuses it for a separate registry', () => {
    const error = rejection('abc')

    expect(error?.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error?.message).toContain(
      'models:/m-42 is a logged model of the tracking server'
    )
  })

  it('names the run and model-path in the fix', () => {
    const fix = rejection('abc')?.diagnosis.fix

    expect(fix).toContain('runs:/abc/<name>')
    expect(fix).toContain('`model-path`')
  })

  it('refuses a logged model without a run', () => {
    expect(rejection()?.message).toContain('https://registry.example.com')
  })

  it('keeps it on the tracking server', () => {
    const given = { source: 'models:/m-42', modelId: 'm-42' }

    expect(sourceForRegistry(given, { kind: 'tracking' }, given.source)).toBe(
      given
    )
  })
})
