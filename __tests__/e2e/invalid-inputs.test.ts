import { randomBytes } from 'node:crypto'

import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { closedLoopbackUrl } from '../support/spawn-node.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

interface InvalidInputCase {
  readonly name: string
  /** Inputs set on top of a valid registration step. */
  readonly inputs?: Readonly<Record<string, string>>
  /** Inputs of the valid step left unset. */
  readonly unset?: readonly string[]
  /** The annotation title after `CLIENT_CONFIG: `. */
  readonly title: string
  /** Part of the fix that the annotation must give. */
  readonly fix: string
  /** Secrets in `inputs`, besides the token every case sets. */
  readonly secrets?: readonly string[]
}

const uriPassword = `uri-${randomBytes(8).toString('hex')}`

const CASES: readonly InvalidInputCase[] = [
  {
    name: 'missing model-name',
    unset: ['model-name'],
    title: 'Invalid input `model-name`',
    fix: 'Set `model-name`'
  },
  {
    name: 'malformed tracking URI',
    inputs: { 'tracking-uri': `http://ci-bot:${uriPassword}@127.0.0.1:99999` },
    title: 'Invalid input `tracking-uri`',
    fix: 'Use an absolute URL',
    secrets: [uriPassword]
  },
  {
    name: 'unknown auth mode',
    inputs: { 'auth-mode': 'kerberos' },
    title: 'Invalid input `auth-mode`',
    fix: 'Set `auth-mode` to one of the listed modes'
  },
  {
    name: 'basic mode without a password',
    inputs: { 'auth-mode': 'basic', username: 'ci-bot' },
    title: 'Invalid input `password`',
    fix: 'Set `password` or MLFLOW_TRACKING_PASSWORD'
  },
  {
    name: 'model-path that does not exist',
    inputs: { 'model-path': 'examples/no-such-model' },
    title: 'Invalid input `model-path`',
    fix: 'Point `model-path` at the directory'
  },
  {
    name: 'model-path without an MLmodel file',
    inputs: { 'model-path': 'examples' },
    title: 'Invalid input `model-path`',
    fix: 'contains the MLmodel file'
  },
  {
    name: 'both source and model-path',
    inputs: { source: 'runs:/0123456789abcdef/model' },
    title: 'Invalid inputs `source` and `model-path`',
    fix: 'not both'
  },
  {
    name: 'alias latest',
    inputs: { aliases: 'champion, latest' },
    title: 'Invalid input `aliases`',
    fix: 'Choose alias names'
  }
]

/** A request the action's transport logs at debug level. */
const REQUEST_LOG = /^::debug::(GET|POST|PUT|PATCH|DELETE) /m

/** A stack frame, or the `TypeError: ...` header Node prints above one. */
const STACK_TRACE = /^ {4}at |^\w*Error: /m

describe.each(CASES)('invalid input: $name', testCase => {
  const token = `ci-token-${randomBytes(12).toString('hex')}`
  let result: ActionResult

  beforeAll(async () => {
    // A request would fail with UNREACHABLE here, never CLIENT_CONFIG.
    const valid: Record<string, string> = {
      'tracking-uri': await closedLoopbackUrl(),
      'model-name': 'fraud-model',
      'model-path': 'examples/model',
      'max-attempts': '1',
      token
    }
    for (const name of testCase.unset ?? []) Reflect.deleteProperty(valid, name)
    result = await runAction({ inputs: { ...valid, ...testCase.inputs } })
  })

  it('masks every secret', () => {
    expectSecretsMasked(result, {
      values: [token, ...(testCase.secrets ?? [])]
    })
  })

  it('exits with code 1', () => {
    expect(result.exitCode).toBe(1)
  })

  it('sets diagnosis CLIENT_CONFIG', () => {
    expect(result.outputs.diagnosis).toBe('CLIENT_CONFIG')
  })

  it('prints one titled error naming the input', () => {
    const errors = result.annotations.filter(a => a.level === 'error')
    expect(errors.map(a => a.title)).toEqual([
      `CLIENT_CONFIG: ${testCase.title}`
    ])
  })

  it('gives the fix in the error', () => {
    const [error] = result.annotations.filter(a => a.level === 'error')
    const [, fix] = (error?.message ?? '').split('\nFix: ')
    expect(fix).toContain(testCase.fix)
  })

  it('prints no stack trace', () => {
    expect(`${result.stdout}\n${result.stderr}`).not.toMatch(STACK_TRACE)
  })

  it('prints nothing on stderr', () => {
    expect(result.stderr).toBe('')
  })

  it('sends no request', () => {
    expect(result.stdout).not.toMatch(REQUEST_LOG)
  })

  it('writes the diagnosis to the summary', () => {
    expect(result.summary).toContain('`CLIENT_CONFIG`')
  })
})
