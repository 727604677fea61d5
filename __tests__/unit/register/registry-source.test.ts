import { describe, expect, it } from '@jest/globals'

import type { RegistryTarget } from '../../../src/config/registry-uri.js'
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
