/**
 * Property-based tests of the CLI, in-process, over every constrained
 * input, given as a flag or as its MLFLOW_REGISTER_* variable. Each
 * invalid value ends in one error line that names that flag or variable,
 * with exit code 2, no stack trace and no secret in the output.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { INPUTS } from '../../../src/config/inputs.js'
import {
  baseInputs,
  describeSideEffects,
  expectNoSecret,
  expectOneCliError,
  fuzzedSecrets,
  runCliWith,
  useHostileEnvironment
} from '../../support/hostile-run.js'
import { INVALID_CASES, UNCONSTRAINED } from '../../support/invalid-values.js'

jest.setTimeout(120_000)

const environment = useHostileEnvironment('invalid CLI values')

// `mode` is the CLI's command word, not a flag. An unknown command is a
// usage error with exit code 2, which the CLI tests cover.
const CLI_CASES = INVALID_CASES.filter(({ input }) => input !== 'mode')

describe('invalid value table', () => {
  it('classifies every input', () => {
    const covered = new Set([
      ...INVALID_CASES.map(({ input }) => input as string),
      ...UNCONSTRAINED.keys()
    ])
    const missing = INPUTS.map(input => input.name).filter(
      name => !covered.has(name)
    )
    expect(missing).toEqual([])
  })

  it('gives each input one case', () => {
    const inputs = INVALID_CASES.map(({ input }) => input)
    expect(inputs).toHaveLength(new Set(inputs).size)
    const both = inputs.filter(input => UNCONSTRAINED.has(input))
    expect(both).toEqual([])
  })
})

describe('each invalid flag value', () => {
  it.each(CLI_CASES.map(entry => [entry.input, entry] as const))(
    'of %s ends in one error',
    async (input, { values, context, named = input }) => {
      await fc.assert(
        fc.asyncProperty(values, async value => {
          const flags = baseInputs(environment, context)
          flags.set(input, value)
          const run = await runCliWith(environment, flags)
          expectOneCliError(run, `--${named}`)
          expectNoSecret(run.text, fuzzedSecrets(input, value))
        }),
        { numRuns: 8 }
      )
    }
  )
})

describe('each invalid variable value', () => {
  it.each(CLI_CASES.map(entry => [entry.input, entry] as const))(
    'of %s names the variable',
    async (input, { values, context, named }) => {
      const variable = inputVariable(input)
      await fc.assert(
        fc.asyncProperty(values, async value => {
          const flags = baseInputs(environment, context)
          flags.delete(input)
          const run = await runCliWith(environment, flags, {
            [variable]: value
          })
          expectOneCliError(run, named ? `--${named}` : variable)
          expect(run.text).not.toContain(`--${input}`)
          expectNoSecret(run.text, fuzzedSecrets(input, value))
        }),
        { numRuns: 3 }
      )
    }
  )
})

describeSideEffects(environment)
