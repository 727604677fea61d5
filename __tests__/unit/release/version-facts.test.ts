import { describe, expect, it } from '@jest/globals'

import { modelVersionSchema } from '../../../src/mlflow/schemas.js'
import { knownVersionFacts } from '../../../src/release/version-facts.js'

describe('knownVersionFacts tags', () => {
  // The key and a forced version's create request differ between any
  // two versions and describe nothing about the model.
  it('leaves out the bookkeeping tags', () => {
    const version = modelVersionSchema.parse({
      name: 'fraud-model',
      version: '2',
      tags: [
        { key: 'mlflow_register.idempotency_key', value: 'k' },
        { key: 'mlflow_register.create_request', value: 'request-2' },
        { key: 'ci.run_id', value: '42' },
        { key: 'team', value: 'vision' }
      ]
    })
    expect([...knownVersionFacts(version).tags]).toEqual([['team', 'vision']])
  })
})
