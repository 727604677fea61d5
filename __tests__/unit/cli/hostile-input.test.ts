/**
 * Property-based tests of the CLI, in-process, over every flag. Any
 * value, up to 200 KB, ends with exit code 0, 1 or 2 and no stack trace.
 * No secret appears in the output, including the value itself when the
 * input is a secret. A secret value that also occurs in output that does
 * not depend on it, such as `name`, is checked through a rerun with
 * another secret. The tracking server is a closed loopback port.
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
  expectNoFuzzedSecret,
  expectNoSecret,
  fuzzedSecrets,
  runCliWith,
  useHostileEnvironment,
  type CliRun
} from '../../support/hostile-run.js'

jest.setTimeout(120_000)

const environment = useHostileEnvironment('any CLI flag value')

// `mode` is the CLI's command word, not a flag; an unknown command is a
// usage error with exit code 2, which the CLI tests cover.
const FLAGS = INPUTS.map(input => input.name).filter(name => name !== 'mode')

/** Runs the base registration with one flag set to `value`. */
function runWithFlag(input: string, value: string): Promise<CliRun> {
  const flags = baseInputs(environment)
  flags.set(input, value)
  return runCliWith(environment, flags, { MLFLOW_TRACKING_TOKEN: TOKEN })
}

/** Checks that a run printed no secret, the flag's value included. */
async function expectNoFlagSecret(
  run: CliRun,
  input: string,
  value: string
): Promise<void> {
  expectNoSecret(run.text)
  await expectNoFuzzedSecret(run, fuzzedSecrets(input, value), reference =>
    runWithFlag(input, reference)
  )
}

describe('any value', () => {
  it.each(FLAGS)('of %s ends cleanly', async input => {
    await fc.assert(
      fc.asyncProperty(ANY_VALUE, async value => {
        const confinedValue = confine(input, value)
        const run = await runWithFlag(input, confinedValue)
        expect([0, 1, 2]).toContain(run.code)
        expect(run.text).not.toMatch(STACK_TRACE)
        await expectNoFlagSecret(run, input, confinedValue)
      }),
      { numRuns: 3, examples: [[HUGE_VALUE]] }
    )
  })
})

// Fast-check generates `name` among other JavaScript property names. As
// a password, it also occurs in the output name `model-name`, which does
// not depend on the password.
describe('secret that occurs in ordinary output', () => {
  const secretFlags = FLAGS.filter(
    input => fuzzedSecrets(input, 'name').length > 0
  )

  it.each(secretFlags)('in %s passes unprinted', async input => {
    const run = await runWithFlag(input, 'name')
    expect(run.text).toContain('model-name=fraud-model')
    await expectNoFlagSecret(run, input, 'name')
  })

  it('fails on a form missing from the rerun', async () => {
    const run = await runWithFlag('password', 'name')
    const encoded = Buffer.from('name').toString('base64')
    const leaked = { ...run, text: `${run.text}password=${encoded}\n` }
    await expect(
      expectNoFlagSecret(leaked, 'password', 'name')
    ).rejects.toThrow('fuzzed secret 1, base64')
  })

  // A program that prints the password prints the reference secret too.
  it('fails when the rerun prints it', async () => {
    const printPassword = async (value: string): Promise<CliRun> => {
      const run = await runWithFlag('password', value)
      return { ...run, text: `${run.text}password=${value}\n` }
    }
    const run = await printPassword('name')
    await expect(
      expectNoFuzzedSecret(run, ['name'], printPassword)
    ).rejects.toThrow('reference secret 1')
  })
})

describeSideEffects(environment)
