/**
 * Property-based tests of the CLI, in-process, over every input and the
 * environment variables it reads: an invalid value ends in one clear error
 * that names the input, with exit code 1, no stack trace and no secret in
 * the output. The tracking server is a closed loopback port, and a guard
 * on `net.Socket` fails the test on any connection to another host.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { runCli } from '../../../src/cli/main.js'
import { AUTH_MODES, INPUTS } from '../../../src/config/inputs.js'
import { secretForms } from '../../support/secret-scan.js'

jest.setTimeout(120_000)

const ROOT = path.resolve(import.meta.dirname, '../../..')
const PASSWORD = 'pw-hostile-7c41d9e2b8'
const TOKEN = 'tok-hostile-5f0a3c6e91'
const STACK_TRACE = /^ {4}at |^\w*Error: |\.ts:\d+:\d+/m
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** Hosts that something tried to connect to, other than loopback. */
const foreignHosts: string[] = []
let bundleDir: string
let workspace: string
let rootEntries: string[]
let restoreConnect: () => void
let cases = 0

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket

/** Reads the host a `socket.connect(...)` call connects to. */
function connectHost(args: readonly unknown[]): string | undefined {
  const [first, second] = args
  if (typeof first === 'object' && first !== null) {
    return (first as { host?: string }).host
  }
  return typeof second === 'string' ? second : undefined
}

beforeAll(() => {
  bundleDir = mkdtempSync(path.join(tmpdir(), 'hostile-input-'))
  workspace = mkdtempSync(path.join(tmpdir(), 'hostile-workspace-'))
  rootEntries = readdirSync(ROOT)
  const original = Reflect.get(net.Socket.prototype, 'connect') as Connect
  // A valid-looking value must never reach the network beyond loopback.
  function guarded(this: net.Socket, ...args: unknown[]): net.Socket {
    const host = connectHost(args)
    if (host !== undefined && !LOOPBACK.has(host)) {
      foreignHosts.push(host)
      throw new Error(`blocked connection to ${host}`)
    }
    return original.apply(this, args)
  }
  Reflect.set(net.Socket.prototype, 'connect', guarded)
  restoreConnect = () => {
    Reflect.set(net.Socket.prototype, 'connect', original)
  }
})

afterAll(() => {
  restoreConnect()
  rmSync(bundleDir, { recursive: true, force: true })
  rmSync(workspace, { recursive: true, force: true })
  process.stdout.write(`hostile input: ${cases} cases run\n`)
})

interface CliRun {
  readonly code: number
  readonly text: string
}

/** Inputs that name a directory the run writes to. */
const WRITTEN_DIRECTORIES = new Set([
  'bundle-dir',
  'MLFLOW_REGISTER_BUNDLE_DIR'
])

/**
 * Keeps a fuzzed directory inside the temporary workspace: no separators
 * and no leading dots, so it cannot climb out of it.
 */
function confine(name: string, value: string): string {
  if (!WRITTEN_DIRECTORIES.has(name)) return value
  return value.replace(/[/\\]/g, '_').replace(/^\.+/, '_')
}

/**
 * Returns the flags of a valid registration that fails at the network.
 * The short retry delay and budget keep a fuzzed `max-attempts` from
 * waiting out the default backoff against the closed port.
 */
function baseFlags(): Map<string, string> {
  return new Map([
    ['tracking-uri', 'http://127.0.0.1:9'],
    ['model-name', 'fraud-model'],
    ['source', 's3://reliability-tests/model'],
    ['bundle-dir', bundleDir],
    ['max-attempts', '1'],
    ['request-timeout', '1'],
    ['retry-initial-delay', '0.01'],
    ['retry-max-time', '1']
  ])
}

async function runWith(
  flags: Map<string, string>,
  env: NodeJS.ProcessEnv = {}
): Promise<CliRun> {
  cases++
  const argv = ['register']
  for (const [name, value] of flags) argv.push(`--${name}=${value}`)
  let text = ''
  const write = (chunk: string): void => {
    text += chunk
  }
  const code = await runCli(
    argv,
    {
      PATH: process.env.PATH ?? '',
      GITHUB_WORKSPACE: workspace,
      MLFLOW_TRACKING_USERNAME: 'ci-bot',
      MLFLOW_TRACKING_PASSWORD: PASSWORD,
      ...env
    },
    { stdout: write, stderr: write }
  )
  return { code, text }
}

function expectNoSecret(text: string, extra: readonly string[] = []): void {
  const forms = secretForms({
    values: [TOKEN, ...extra],
    basic: { username: 'ci-bot', password: PASSWORD }
  })
  for (const form of forms) {
    expect({ form: form.label, leaked: text.includes(form.text) }).toEqual({
      form: form.label,
      leaked: false
    })
  }
}

// The CLI exits 2 for an invalid flag or variable value, as it does for
// any command line it cannot run. The action fails its step instead.
function expectOneConfigError(
  run: CliRun,
  input: string,
  named = `--${input}`
): void {
  expect(run.code).toBe(2)
  const errors = run.text.split('\n').filter(line => line.startsWith('error:'))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toContain('CLIENT_CONFIG')
  expect(errors[0]).toContain(named)
  expect(run.text).not.toMatch(STACK_TRACE)
}

/** Non-empty after trimming, as the host trims every input. */
const nonBlank = (value: string): boolean => value.trim() !== ''

const notIn = (allowed: readonly string[]) =>
  fc
    .string({ maxLength: 30 })
    .filter(v => nonBlank(v) && !allowed.includes(v.trim().toLowerCase()))

const notWhole = (min: number, max: number) =>
  fc.oneof(
    fc
      .string({ maxLength: 12 })
      .filter(v => nonBlank(v) && !/^\d+$/.test(v.trim())),
    fc.integer({ min: max + 1 }).map(String),
    fc.integer({ max: min - 1 }).map(String),
    fc
      .double({ noNaN: true })
      .map(String)
      .filter(v => !/^\d+$/.test(v))
  )

const BOOLEANS = ['true', 'false', '1', '0', 'yes', 'no']

/** Values each input must reject, by input name. */
const INVALID: readonly [string, fc.Arbitrary<string>][] = [
  ['auth-mode', notIn(AUTH_MODES)],
  ['on-unavailable', notIn(['bundle', 'fail'])],
  ['force-new-version', notIn(BOOLEANS)],
  ['insecure-tls', notIn(BOOLEANS)],
  ['wait-timeout', notWhole(1, 86_400)],
  ['request-timeout', notWhole(1, 86_400)],
  ['retry-max-time', notWhole(1, 86_400)],
  ['max-attempts', notWhole(1, 20)],
  [
    'retry-initial-delay',
    fc.oneof(
      fc
        .string({ maxLength: 10 })
        .filter(v => nonBlank(v) && !/^\d{1,2}(\.\d{1,3})?$/.test(v.trim())),
      fc.integer({ min: 61, max: 99 }).map(String)
    )
  ],
  [
    'model-name',
    fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('/', ':', '\u0000', '\u0007', '\n', '\t'),
        fc.string({ maxLength: 20 })
      )
      .map(([a, reserved, b]) => `m${a}${reserved}${b}z`)
  ],
  [
    'token-header',
    fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(' ', ':', '\r\n', '(', '"')
      )
      .map(([name, bad]) => `X${name}${bad}Key`)
  ],
  [
    'tracking-uri',
    fc.oneof(
      fc.constantFrom(
        'ftp://127.0.0.1/',
        'not a url',
        `http://ci-bot:${PASSWORD}@127.0.0.1:99999/`,
        `http://127.0.0.1:9/\r\nX-Injected: 1`,
        'http://127.0.0.1:9/?q=1'
      ),
      fc.string({ maxLength: 20 }).map(s => `mailto:${s}`)
    )
  ],
  [
    'artifact-path',
    fc.constantFrom('..', '../model', 'a/../b', 'a//b', './', '/')
  ],
  [
    'aliases',
    fc.oneof(
      fc.constantFrom('latest', 'v1', 'champion/two', 'a b'),
      fc.string({ minLength: 256, maxLength: 300 }).map(s => `a${s}`)
    )
  ]
]

describe('each invalid value', () => {
  it.each(INVALID)('of %s ends in one error', async (input, arbitrary) => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async value => {
        const flags = baseFlags()
        flags.set(input, value)
        const run = await runWith(flags)
        expectOneConfigError(run, input)
        expectNoSecret(run.text)
      }),
      { numRuns: 12 }
    )
  })
})

/** Any string, up to huge ones, with control characters and line breaks. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'a'.repeat(200_000),
    'X-A: 1\r\nX-B: 2',
    `${TOKEN}\r\n`,
    '%0d%0aSet-Cookie: x',
    '../../../../etc/passwd',
    '${{ secrets.X }}'
  )
)

const ENV_VARIABLES = [
  ...new Set(INPUTS.flatMap(input => ('env' in input ? input.env : []))),
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY'
]

describe('any value', () => {
  // `mode` is the CLI's command word, not a flag; an unknown command is a
  // usage error with exit code 2, which the CLI tests cover.
  it.each(INPUTS.map(input => input.name).filter(name => name !== 'mode'))(
    'of %s ends cleanly',
    async input => {
      await fc.assert(
        fc.asyncProperty(anyValue, async value => {
          const flags = baseFlags()
          flags.set(input, confine(input, value))
          const run = await runWith(flags, { MLFLOW_TRACKING_TOKEN: TOKEN })
          expect([0, 1, 2]).toContain(run.code)
          expect(run.text).not.toMatch(STACK_TRACE)
          expectNoSecret(run.text)
        }),
        { numRuns: 3 }
      )
    }
  )

  it.each(ENV_VARIABLES)('of variable %s ends cleanly', async variable => {
    await fc.assert(
      fc.asyncProperty(anyValue, async value => {
        // The token is a secret of the run, so a copy of it in any other
        // variable must be masked too.
        const run = await runWith(baseFlags(), {
          MLFLOW_TRACKING_TOKEN: TOKEN,
          [variable]: confine(variable, value)
        })
        expect([0, 1, 2]).toContain(run.code)
        expect(run.text).not.toMatch(STACK_TRACE)
        expectNoSecret(run.text)
      }),
      { numRuns: 3 }
    )
  })

  it('of a CLI input variable names the variable', async () => {
    const flags = baseFlags()
    flags.delete('max-attempts')
    const variable = inputVariable('max-attempts')
    const run = await runWith(flags, { [variable]: 'many' })
    expectOneConfigError(run, 'max-attempts', variable)
    expect(run.text).not.toContain('--max-attempts')
  })

  it('never connects beyond loopback', () => {
    expect(foreignHosts).toEqual([])
  })

  it('writes nothing into the repository', () => {
    expect(readdirSync(ROOT).sort()).toEqual([...rootEntries].sort())
  })
})
