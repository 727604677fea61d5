/**
 * The harness of the property-based tests of hostile input: a valid
 * registration that fails at a closed loopback port, runs of the CLI and
 * of the action in-process, and the checks on what each run printed. A
 * guard on `net.Socket` records and blocks every connection to a host
 * other than loopback.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import { runCli } from '../../src/cli/main.js'
import { isMaskable } from '../../src/config/secrets.js'
import type { RunResult } from '../../src/github/outputs.js'
import { run } from '../../src/main.js'
import { PASSWORD, SECRET_INPUTS } from './invalid-values.js'
import { RecordingHost } from './recording-host.js'
import { secretForms, type SecretForm } from './secret-scan.js'

/** A bearer token that some runs set, which must never be printed. */
export const TOKEN = 'tok-hostile-5f0a3c6e91'

/** A value of 200 KB, which every input and variable gets once. */
export const HUGE_VALUE = 'a'.repeat(200_000)

/**
 * Any string, with control characters, line breaks, padding, a NUL byte
 * and injection attempts. Properties over it pass HUGE_VALUE as an
 * example, so each input and variable gets it whatever the seed.
 */
export const ANY_VALUE = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'X-A: 1\r\nX-B: 2',
    `${TOKEN}\r\n`,
    '%0d%0aSet-Cookie: x',
    '../../../../etc/passwd',
    '${{ secrets.X }}',
    'value\u0000',
    ' \t padded value \n'
  )
)

/** A frame line, an error's first line, or a TypeScript position. */
export const STACK_TRACE = /^ {4}at |^\w*Error: |\.ts:\d+:\d+/m

const ROOT = path.resolve(import.meta.dirname, '../..')
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket

/** The temporary directories and the records of one test file. */
export interface HostileEnvironment {
  readonly bundleDir: string
  readonly workspace: string
  /** Hosts that something tried to connect to, other than loopback. */
  readonly foreignHosts: string[]
  /** Runs made so far. */
  cases: number
}

/** Reads the host a `socket.connect(...)` call connects to. */
function connectHost(args: readonly unknown[]): string | undefined {
  const [first, second] = args
  if (typeof first === 'object' && first !== null) {
    return (first as { host?: string }).host
  }
  return typeof second === 'string' ? second : undefined
}

/**
 * Creates the temporary directories and the connection guard before the
 * file's tests, removes them after, and prints the number of runs as
 * `hostile input, <label>: <n> cases`.
 */
export function useHostileEnvironment(label: string): HostileEnvironment {
  const environment: HostileEnvironment = {
    bundleDir: '',
    workspace: '',
    foreignHosts: [],
    cases: 0
  }
  let restoreConnect = (): void => undefined
  beforeAll(() => {
    Object.assign(environment, {
      bundleDir: mkdtempSync(path.join(tmpdir(), 'hostile-input-')),
      workspace: mkdtempSync(path.join(tmpdir(), 'hostile-workspace-'))
    })
    const original = Reflect.get(net.Socket.prototype, 'connect') as Connect
    // A valid-looking value must never reach the network beyond loopback.
    function guarded(this: net.Socket, ...args: unknown[]): net.Socket {
      const host = connectHost(args)
      if (host !== undefined && !LOOPBACK.has(host)) {
        environment.foreignHosts.push(host)
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
    rmSync(environment.bundleDir, { recursive: true, force: true })
    rmSync(environment.workspace, { recursive: true, force: true })
    process.stdout.write(
      `hostile input, ${label}: ${environment.cases} cases\n`
    )
  })
  return environment
}

/** Adds the checks that no run reached the network or the repository. */
export function describeSideEffects(environment: HostileEnvironment): void {
  const rootEntries = readdirSync(ROOT)
  describe('every run', () => {
    it('never connects beyond loopback', () => {
      expect(environment.foreignHosts).toEqual([])
    })

    it('writes nothing into the repository', () => {
      expect(readdirSync(ROOT).sort()).toEqual([...rootEntries].sort())
    })
  })
}

/**
 * Returns the inputs of a valid registration that fails at the network:
 * port 9 of loopback is closed. The short retry delay and budget keep a
 * fuzzed `max-attempts` from waiting out the default backoff.
 */
export function baseInputs(
  environment: HostileEnvironment,
  context: Readonly<Record<string, string | null>> = {}
): Map<string, string> {
  const inputs = new Map([
    ['tracking-uri', 'http://127.0.0.1:9'],
    ['model-name', 'fraud-model'],
    ['source', 's3://reliability-tests/model'],
    ['bundle-dir', environment.bundleDir],
    ['max-attempts', '1'],
    ['request-timeout', '1'],
    ['retry-initial-delay', '0.01'],
    ['retry-max-time', '1']
  ])
  for (const [name, value] of Object.entries(context)) {
    if (value === null) inputs.delete(name)
    else inputs.set(name, value)
  }
  return inputs
}

/** Builds the variables of the base registration, with Basic credentials. */
function baseVariables(environment: HostileEnvironment): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: environment.workspace,
    MLFLOW_TRACKING_USERNAME: 'ci-bot',
    MLFLOW_TRACKING_PASSWORD: PASSWORD
  }
}

/** Inputs and variables that name a directory the run writes to. */
const WRITTEN_DIRECTORIES = new Set([
  'bundle-dir',
  'registry-dir',
  'MLFLOW_REGISTER_BUNDLE_DIR',
  'MLFLOW_REGISTER_REGISTRY_DIR'
])

/**
 * Keeps a fuzzed directory inside the temporary workspace: no separators
 * and no leading dots, so it cannot climb out of it.
 */
export function confine(name: string, value: string): string {
  if (!WRITTEN_DIRECTORIES.has(name)) return value
  return value.replace(/[/\\]/g, '_').replace(/^\.+/, '_')
}

/** The exit code and everything the CLI printed, in order. */
export interface CliRun {
  readonly code: number
  readonly text: string
}

/** Runs `register` in-process with the flags and extra variables. */
export async function runCliWith(
  environment: HostileEnvironment,
  flags: ReadonlyMap<string, string>,
  variables: NodeJS.ProcessEnv = {}
): Promise<CliRun> {
  environment.cases++
  const argv = ['register']
  for (const [name, value] of flags) argv.push(`--${name}=${value}`)
  let text = ''
  const write = (chunk: string): void => {
    text += chunk
  }
  const code = await runCli(
    argv,
    { ...baseVariables(environment), ...variables },
    { stdout: write, stderr: write }
  )
  return { code, text }
}

/** The result and the recording host of one in-process action run. */
export interface ActionRun {
  readonly result: RunResult
  readonly host: RecordingHost
}

/** Runs the action in-process with the inputs and extra variables. */
export async function runActionWith(
  environment: HostileEnvironment,
  inputs: ReadonlyMap<string, string>,
  variables: NodeJS.ProcessEnv = {}
): Promise<ActionRun> {
  environment.cases++
  const host = new RecordingHost(Object.fromEntries(inputs), {
    ...baseVariables(environment),
    ...variables
  })
  const result = await run(host)
  return { result, host }
}

/**
 * Checks a CLI run that an invalid value stopped: exit code 2, as for
 * any command line the CLI cannot run, one error line with the
 * CLIENT_CONFIG diagnosis that names the flag or variable, no stack trace.
 */
export function expectOneCliError(run: CliRun, named: string): void {
  expect(run.code).toBe(2)
  const errors = run.text.split('\n').filter(line => line.startsWith('error:'))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toContain('CLIENT_CONFIG')
  expect(errors[0]).toContain(named)
  expect(run.text).not.toMatch(STACK_TRACE)
}

/**
 * Checks an action run that an invalid value stopped: the step failed
 * (exit code 1 on a runner) with the CLIENT_CONFIG diagnosis, and one
 * error annotation names the input, with no stack trace anywhere.
 */
export function expectOneActionError(run: ActionRun, input: string): void {
  const named = `input \`${input}\``
  expect(run.result.outcome).toBe('failed')
  expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
  expect(run.result.diagnosis?.invalidSetting).toContain(named)
  expect(run.host.failure).toMatch(/^CLIENT_CONFIG: /)
  const errors = run.host.lines.filter(line => line.level === 'error')
  expect(errors).toHaveLength(1)
  expect(errors[0]?.title).toContain(named)
  expect(run.host.visibleText()).not.toMatch(STACK_TRACE)
}

/**
 * Returns the value given to a secret input as the host reads it,
 * trimmed, or nothing when the input is not secret or the value is too
 * short to be masked.
 */
export function fuzzedSecrets(input: string, value: string): string[] {
  const trimmed = value.trim()
  return SECRET_INPUTS.has(input) && isMaskable(trimmed) ? [trimmed] : []
}

/**
 * Checks that no form of the base password, of TOKEN or of `values`
 * appears in `text`, which nothing masks after it was written.
 */
export function expectNoSecret(
  text: string,
  values: readonly string[] = []
): void {
  const forms = secretForms({
    values: [TOKEN, ...values],
    basic: { username: 'ci-bot', password: PASSWORD }
  })
  const leaks = forms.filter(form => text.includes(form.text))
  expect(leaks.map(form => form.label)).toEqual([])
}

/**
 * A secret that no output contains by chance. A rerun with it replaces
 * the check of a fuzzed secret that also occurs in output that does not
 * depend on the secret.
 */
export const REFERENCE_SECRET = 'ref-hostile-93b0e6d1f4'

/** Returns the forms of secret values, each label starting with `kind`. */
function labelledForms(kind: string, values: readonly string[]): SecretForm[] {
  return secretForms({ values }).map(form => ({
    ...form,
    label: `${kind} ${form.label}`
  }))
}

/**
 * Checks that a CLI run printed no form of `values`, the fuzzed secrets
 * it was given. A short value can also occur in text that never depends
 * on it: fast-check generates the string `name`, which the output name
 * `model-name` contains. So when a form appears in `run`, `rerun` repeats
 * the run with REFERENCE_SECRET in place of the fuzzed value. The form
 * is a leak unless the rerun printed it as well, and no form of
 * REFERENCE_SECRET may appear in the rerun, which covers the value that
 * could not be checked.
 */
export async function expectNoFuzzedSecret(
  run: CliRun,
  values: readonly string[],
  rerun: (value: string) => Promise<CliRun>
): Promise<void> {
  const forms = labelledForms('fuzzed', values)
  const printed = forms.filter(form => run.text.includes(form.text))
  if (printed.length === 0) return

  // NOTE: the bundle id in the output ends in 8 random hex digits, so a
  // fuzzed value of 4 to 8 hex digits can match it in one run only and
  // fail this check without a leak. About 2 in 10^5 fast-check strings
  // are such a value (2 million sampled), so an estimated 1 in 10^9 runs.
  const reference = await rerun(REFERENCE_SECRET)
  const leaks = printed.filter(form => !reference.text.includes(form.text))
  expect(leaks.map(form => form.label)).toEqual([])
  const referenceLeaks = labelledForms('reference', [REFERENCE_SECRET])
    .filter(form => reference.text.includes(form.text))
    .map(form => form.label)
  expect(referenceLeaks).toEqual([])
}

/**
 * Checks an action run as a runner shows it: each value passed to
 * `setSecret` is replaced by `***`, and no form of the secrets is left.
 */
export function expectNoActionSecret(
  run: ActionRun,
  values: readonly string[] = []
): void {
  const longestFirst = [...run.host.secrets].sort((a, b) => b.length - a.length)
  let text = [run.host.visibleText(), run.host.failure ?? ''].join('\n')
  for (const secret of longestFirst) text = text.split(secret).join('***')
  expectNoSecret(text, values)
}
