/**
 * Property-based tests of the CLI, in-process, over every flag. Any
 * value, up to 200 KB, ends with exit code 0, 1 or 2 and no stack trace.
 * No secret appears in the output, including the value itself when the
 * input is a secret. The tracking server is a closed loopback port.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'

import { INPUTS } from '../../../src/config/inputs.js'
import {
  ANY_VALUE,
  HUGE_VALUE,
  STACK_TRACE,
  TOKEN,
  baseInputs,
  confine,
  describeSideEffects,
  expectNoSecret,
  fuzzedSecrets,
  runCliWith,
  useHostileEnvironment
} from '../../support/hostile-run.js'

jest.setTimeout(120_000)

const environment = useHostileEnvironment('any CLI flag value')

// `mode` is the CLI's command word, not a flag; an unknown command is a
// usage error with exit code 2, which the CLI tests cover.
const FLAGS = INPUTS.map(input => input.name).filter(name => name !== 'mode')

describe('any value', () => {
  it.each(FLAGS)('of %s ends cleanly', async input => {
    await fc.assert(
      fc.asyncProperty(ANY_VALUE, async value => {
        const flags = baseInputs(environment)
        const confinedValue = confine(input, value)
        flags.set(input, confinedValue)
        const run = await runCliWith(environment, flags, {
          MLFLOW_TRACKING_TOKEN: TOKEN
        })
        expect([0, 1, 2]).toContain(run.code)
        expect(run.text).not.toMatch(STACK_TRACE)
        expectNoSecret(run.text, fuzzedSecrets(input, confinedValue))
      }),
      { numRuns: 3, examples: [[HUGE_VALUE]] }
    )
  })
})

describeSideEffects(environment)
