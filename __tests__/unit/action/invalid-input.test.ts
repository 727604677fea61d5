/**
 * Property-based tests of the action's entry point, run() with a
 * recording host. Every invalid value of every constrained input, given
 * as an input or through the variable it falls back to, fails the step
 * before any request. The one error names the input with the
 * CLIENT_CONFIG diagnosis, and shows no stack trace and no secret.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'

import { INPUTS, type InputSpec } from '../../../src/config/inputs.js'
import {
  baseInputs,
  describeSideEffects,
  expectNoActionSecret,
  expectOneActionError,
  fuzzedSecrets,
  runActionWith,
  useHostileEnvironment
} from '../../support/hostile-run.js'
import { INVALID_CASES } from '../../support/invalid-values.js'

jest.setTimeout(120_000)

const environment = useHostileEnvironment('invalid action values')

const CASES = INVALID_CASES.map(entry => [entry.input, entry] as const)

/** The first variable each input falls back to, by input name. */
const FALLBACK_VARIABLE = new Map(
  (INPUTS as readonly InputSpec[]).flatMap(input =>
    input.env?.[0] === undefined ? [] : [[input.name, input.env[0]] as const]
  )
)

const VARIABLE_CASES = CASES.filter(
  ([input, { inputOnly }]) => !inputOnly && FALLBACK_VARIABLE.has(input)
)

describe('each invalid input value', () => {
  it.each(CASES)(
    'of %s fails the step',
    async (input, { values, context, named = input }) => {
      await fc.assert(
        fc.asyncProperty(values, async value => {
          const inputs = baseInputs(environment, context)
          inputs.set(input, value)
          const run = await runActionWith(environment, inputs)
          expectOneActionError(run, named)
          expectNoActionSecret(run, fuzzedSecrets(input, value))
        }),
        { numRuns: 4 }
      )
    }
  )
})

describe('each invalid fallback variable value', () => {
  it('covers the inputs that have one', () => {
    expect(VARIABLE_CASES.length).toBeGreaterThan(10)
  })

  it.each(VARIABLE_CASES)(
    'of %s names the variable',
    async (input, { values, context, named = input }) => {
      const variable = FALLBACK_VARIABLE.get(input) ?? ''
      await fc.assert(
        fc.asyncProperty(values, async value => {
          const inputs = baseInputs(environment, context)
          inputs.delete(input)
          const run = await runActionWith(environment, inputs, {
            [variable]: value
          })
          expectOneActionError(run, named)
          if (named === input) {
            expect(run.result.diagnosis?.invalidSetting).toContain(variable)
          }
          expectNoActionSecret(run, fuzzedSecrets(input, value))
        }),
        { numRuns: 2 }
      )
    }
  )
})

describeSideEffects(environment)
