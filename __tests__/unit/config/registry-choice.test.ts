import { describe, expect, it } from '@jest/globals'

import {
  checkRegistryCleartext,
  chooseRegistry
} from '../../../src/config/registry-choice.js'
import type { Setting } from '../../../src/config/settings.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { thrownBy } from '../fixtures/thrown.js'

const TRACKING = new URL('https://mlflow.example.com/mlflow')
const WORKSPACE = { host: new URL('https://dbc-1.cloud.databricks.com') }

function uri(value: string): Setting {
  return { value, origin: 'MLFLOW_REGISTRY_URI' }
}

function diagnosisOf(action: () => unknown) {
  const error = thrownBy(action)
  if (!(error instanceof DiagnosedError)) throw error
  return error.diagnosis
}

describe('chooseRegistry without registry-uri', () => {
  it('uses the tracking server', () => {
    const registry = chooseRegistry(undefined, TRACKING, undefined, {
      modelName: 'main.ml.fraud'
    })

    expect(registry).toEqual({ kind: 'tracking' })
  })

  it('uses Unity Catalog for three parts', () => {
    const registry = chooseRegistry(undefined, WORKSPACE.host, WORKSPACE, {
      modelName: 'main.ml.fraud'
    })

    expect(registry).toEqual({ kind: 'unity-catalog' })
  })

  it('uses the workspace registry for one part', () => {
    const registry = chooseRegistry(undefined, WORKSPACE.host, WORKSPACE, {
      modelName: 'fraud'
    })

    expect(registry).toEqual({ kind: 'tracking' })
  })
})

describe('chooseRegistry with a server URL', () => {
  it('keeps a second origin apart', () => {
    const registry = chooseRegistry(
      uri('https://registry.example.com'),
      TRACKING,
      undefined,
      { modelName: 'fraud' }
    )

    expect(registry).toEqual({
      kind: 'server',
      url: new URL('https://registry.example.com'),
      sameOrigin: false
    })
  })

  it('marks a path on the same origin', () => {
    const registry = chooseRegistry(
      uri('https://mlflow.example.com/registry/'),
      TRACKING,
      undefined,
      { modelName: 'fraud' }
    )

    expect(registry).toMatchObject({ kind: 'server', sameOrigin: true })
  })

  it('takes user info as its credentials', () => {
    const registry = chooseRegistry(
      uri('https://ci:s%40cret@registry.example.com'),
      TRACKING,
      undefined,
      { modelName: 'fraud' }
    )

    expect(registry).toMatchObject({ username: 'ci', password: 's@cret' })
  })

  it('treats the tracking URI as no registry', () => {
    const registry = chooseRegistry(
      uri('https://mlflow.example.com/mlflow/'),
      TRACKING,
      undefined,
      { modelName: 'fraud' }
    )

    expect(registry).toEqual({ kind: 'tracking', explicit: true })
  })

  it('names registry-uri for a local store', () => {
    const diagnosis = diagnosisOf(() =>
      chooseRegistry(uri('sqlite:///mlflow.db'), TRACKING, undefined, {
        modelName: 'fraud'
      })
    )

    expect(diagnosis.detail).toContain('MLFLOW_REGISTRY_URI')
  })
})

describe('chooseRegistry with Databricks URIs', () => {
  it('selects Unity Catalog for databricks-uc', () => {
    const registry = chooseRegistry(
      uri('databricks-uc'),
      WORKSPACE.host,
      WORKSPACE,
      { modelName: 'main.ml.fraud' }
    )

    expect(registry).toEqual({ kind: 'unity-catalog' })
  })

  it('selects the workspace registry for databricks', () => {
    const registry = chooseRegistry(
      uri('databricks'),
      WORKSPACE.host,
      WORKSPACE,
      { modelName: 'main.ml.fraud' }
    )

    expect(registry).toEqual({ kind: 'workspace' })
  })

  it('takes a CLI profile as the workspace', () => {
    const registry = chooseRegistry(
      uri('databricks-uc://ci'),
      WORKSPACE.host,
      WORKSPACE,
      { modelName: 'main.ml.fraud' }
    )

    expect(registry).toEqual({ kind: 'unity-catalog' })
  })

  it('rejects a secret scope registry URI', () => {
    const diagnosis = diagnosisOf(() =>
      chooseRegistry(
        uri('databricks://scope:prefix'),
        WORKSPACE.host,
        WORKSPACE,
        {
          modelName: 'fraud'
        }
      )
    )

    expect(diagnosis.detail).toContain('secret scope')
  })

  it('rejects databricks-uc without a workspace', () => {
    const diagnosis = diagnosisOf(() =>
      chooseRegistry(uri('databricks-uc'), TRACKING, undefined, {
        modelName: 'main.ml.fraud'
      })
    )

    expect(diagnosis.fix).toContain('databricks-host')
  })

  it('rejects a one-part Unity Catalog name', () => {
    const diagnosis = diagnosisOf(() =>
      chooseRegistry(uri('databricks-uc'), WORKSPACE.host, WORKSPACE, {
        modelName: 'fraud'
      })
    )

    expect(diagnosis.detail).toContain('catalog.schema.model')
  })
})

describe('chooseRegistry with a source for Unity Catalog', () => {
  function choose(source: string) {
    return chooseRegistry(uri('databricks-uc'), WORKSPACE.host, WORKSPACE, {
      modelName: 'main.ml.fraud',
      source
    })
  }

  it.each([
    'runs:/0123456789abcdef0123456789abcdef/model',
    'models:/fraud-model/3',
    'models:/m-0123456789abcdef0123456789abcdef',
    'mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts/model'
  ])('accepts %s', source => {
    expect(choose(source)).toEqual({ kind: 'unity-catalog' })
  })

  it.each([
    ['s3://models/fraud', 'an S3 URI (s3://models/fraud)'],
    ['dbfs:/models/fraud', 'a Databricks File System URI'],
    ['gs://models/fraud', 'a Google Cloud Storage URI'],
    ['/tmp/fraud', 'a local path (/tmp/fraud)'],
    ['hf://org/fraud', 'a hf: URI']
  ])('rejects %s, naming its kind', (source, kind) => {
    const diagnosis = diagnosisOf(() => choose(source))

    expect(diagnosis.code).toBe('UNSUPPORTED_FEATURE')
    expect(diagnosis.detail).toContain(kind)
    expect(diagnosis.fix).toContain('model-path')
  })

  it('hides user info in the message', () => {
    const diagnosis = diagnosisOf(() =>
      choose('https://ci:hunter2@models.example.com/fraud')
    )

    expect(diagnosis.detail).not.toContain('hunter2')
  })

  it('selects Unity Catalog from a name', () => {
    const registry = chooseRegistry(undefined, WORKSPACE.host, WORKSPACE, {
      modelName: 'main.ml.fraud',
      source: 'runs:/0123456789abcdef0123456789abcdef/model'
    })

    expect(registry).toEqual({ kind: 'unity-catalog' })
  })
})

describe('checkRegistryCleartext', () => {
  const plain = {
    kind: 'server',
    url: new URL('http://registry.example.com'),
    sameOrigin: false
  } as const

  it('rejects user info over plain http', () => {
    const diagnosis = diagnosisOf(() => {
      checkRegistryCleartext({ ...plain, username: 'ci' }, false)
    })

    expect(diagnosis.detail).toContain('unencrypted')
  })

  it('accepts plain http without credentials', () => {
    expect(() => {
      checkRegistryCleartext(plain, false)
    }).not.toThrow()
  })

  it('accepts user info when allowed', () => {
    expect(() => {
      checkRegistryCleartext({ ...plain, username: 'ci' }, true)
    }).not.toThrow()
  })
})
