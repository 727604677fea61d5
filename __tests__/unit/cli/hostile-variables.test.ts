/**
 * Property-based tests of the CLI, in-process, over every environment
 * variable it reads: the MLFLOW_REGISTER_* variable of each input, the
 * variables each input falls back to, every variable that
 * docs/environment.md names, and the proxy and GitHub ID token variables.
 * Any value, up to 200 KB, ends with exit code 0, 1 or 2, no stack trace
 * and no secret in the output.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { INPUTS } from '../../../src/config/inputs.js'
import { DIAGNOSIS_CODES } from '../../../src/diagnosis/codes.js'
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

const environment = useHostileEnvironment('any variable value')

const ENVIRONMENT_DOC = path.resolve(
  import.meta.dirname,
  '../../../docs/environment.md'
)

/** The input each input variable sets, for every input but `mode`. */
const INPUT_OF_VARIABLE = new Map<string, string>(
  INPUTS.filter(input => input.name !== 'mode').flatMap(input => [
    [inputVariable(input.name), input.name],
    ...('env' in input ? input.env : []).map((variable): [string, string] => [
      variable,
      input.name
    ])
  ])
)

/**
 * Variables read outside the inputs table, each with whether the action
 * masks its value. The AWS credentials and the Hokusai key are masked as
 * soon as the configuration is read; the others are never printed.
 */
const OTHER_VARIABLES = new Map<string, boolean>([
  ['AWS_ACCESS_KEY_ID', true],
  ['AWS_SECRET_ACCESS_KEY', true],
  ['AWS_SESSION_TOKEN', true],
  ['AWS_REGION', false],
  ['AWS_DEFAULT_REGION', false],
  ['HOKUSAI_API_KEY', true],
  ['MLFLOW_S3_ENDPOINT_URL', false],
  ['MLFLOW_R2_ENDPOINT_URL', false],
  ['AZURE_STORAGE_CONNECTION_STRING', false],
  ['STORAGE_EMULATOR_HOST', false],
  ['ACTIONS_ID_TOKEN_REQUEST_URL', false],
  ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', false],
  ['HTTP_PROXY', false],
  ['HTTPS_PROXY', false],
  ['NO_PROXY', false],
  ['http_proxy', false],
  ['https_proxy', false],
  ['no_proxy', false],
  ['RUNNER_TEMP', false]
])

const VARIABLES = [...INPUT_OF_VARIABLE.keys(), ...OTHER_VARIABLES.keys()]

/**
 * Returns the variable names in docs/environment.md: upper-case words
 * with an underscore, other than diagnosis codes.
 */
function documentedVariables(): string[] {
  const text = readFileSync(ENVIRONMENT_DOC, 'utf8')
  const words = text.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []
  const codes = new Set(Object.keys(DIAGNOSIS_CODES))
  return [...new Set(words)].filter(word => !codes.has(word))
}

/** Returns the fuzzed value when the action masks the variable. */
function maskedValue(variable: string, value: string): string[] {
  const input = INPUT_OF_VARIABLE.get(variable)
  if (input !== undefined) return fuzzedSecrets(input, value)
  const trimmed = value.trim()
  return OTHER_VARIABLES.get(variable) === true && trimmed.length >= 4
    ? [trimmed]
    : []
}

describe('variable list', () => {
  it('covers every variable the docs name', () => {
    const documented = documentedVariables()
    expect(documented.length).toBeGreaterThan(80)
    const fuzzed = new Set(VARIABLES)
    expect(documented.filter(name => !fuzzed.has(name))).toEqual([])
  })
})

/** Runs the base registration with one variable set to `value`. */
function runWithVariable(variable: string, value: string): Promise<CliRun> {
  // A flag wins over every variable, so the variable's input is left out
  // of the flags.
  const flags = baseInputs(environment)
  const input = INPUT_OF_VARIABLE.get(variable)
  if (input !== undefined) flags.delete(input)
  // The token is a secret of the run, so a copy of it in any other
  // variable must be masked too.
  return runCliWith(environment, flags, {
    MLFLOW_TRACKING_TOKEN: TOKEN,
    [variable]: value
  })
}

describe('any value', () => {
  it.each(VARIABLES)('of %s ends cleanly', async variable => {
    await fc.assert(
      fc.asyncProperty(ANY_VALUE, async value => {
        const confinedValue =
          variable === 'RUNNER_TEMP'
            ? path.join(environment.workspace, confine('bundle-dir', value))
            : confine(variable, value)
        const run = await runWithVariable(variable, confinedValue)
        expect([0, 1, 2]).toContain(run.code)
        expect(run.text).not.toMatch(STACK_TRACE)
        expectNoSecret(run.text)
        await expectNoFuzzedSecret(
          run,
          maskedValue(variable, confinedValue),
          reference => runWithVariable(variable, reference)
        )
      }),
      { numRuns: 3, examples: [[HUGE_VALUE]] }
    )
  })
})

// Fast-check generates `name` among other JavaScript property names, and
// the output name `model-name` contains it whatever the secret is.
describe('secret value name', () => {
  const secretVariables = VARIABLES.filter(
    variable => maskedValue(variable, 'name').length > 0
  )

  it.each(secretVariables)('of %s passes unprinted', async variable => {
    const run = await runWithVariable(variable, 'name')
    expect(run.text).toContain('model-name=fraud-model')
    expectNoSecret(run.text)
    await expectNoFuzzedSecret(run, ['name'], reference =>
      runWithVariable(variable, reference)
    )
  })
})

describeSideEffects(environment)
