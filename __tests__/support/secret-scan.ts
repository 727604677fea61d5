/**
 * Checks that no form of a test's credentials reaches anything a user of
 * the action or the CLI can read. Every end-to-end test that gives the
 * action a secret calls one of these checks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { expect } from '@jest/globals'

import { resolveBundleDir } from '../../src/bundle/bundle-dir.js'
import type { RecordingHost } from './recording-host.js'
import { parseWorkflowCommands, type ActionResult } from './run-action.js'

/** The credentials a test gave the action. */
export interface TestSecrets {
  /** Passwords, tokens and other secret values. */
  readonly values?: readonly string[]
  /**
   * Credentials the action sent as HTTP Basic auth. The password counts as
   * a secret value, and the encoded header must be masked too.
   */
  readonly basic?: { readonly username: string; readonly password: string }
  /**
   * AWS credentials from the environment. All three count as secret
   * values, the access key id too, as configure-aws-credentials masks it.
   */
  readonly aws?: {
    readonly accessKeyId: string
    readonly secretAccessKey: string
    readonly sessionToken?: string
  }
  /**
   * An OAuth client that authenticated at the token endpoint. The secret
   * counts as a secret value, and its client_secret_basic header value
   * must be masked too. Issued access tokens go in `values`.
   */
  readonly oauthClient?: {
    readonly clientId: string
    readonly clientSecret: string
  }
  /**
   * Secrets the runner masks without the action's help, such as
   * ACTIONS_RUNTIME_TOKEN. The action need not register them with
   * `::add-mask::`, but no form of them may appear anywhere.
   */
  readonly runnerMasked?: readonly string[]
}

/** One way a secret can be written, with a label for failure messages. */
export interface SecretForm {
  readonly label: string
  readonly text: string
  /**
   * Whether the action must register this form with `::add-mask::`.
   * Header values need no mask of their own: the runner hides them
   * through the masked token or encoded credentials inside them. Nor do
   * the forms of secrets the runner masks without the action's help.
   */
  readonly maskRequired: boolean
}

const MASK = '***'

/**
 * Returns every form of the secrets that could leak: as they are,
 * percent-encoded, base64-encoded, the base64 of `user:password` and of
 * an OAuth client's `client_id:client_secret`, and the `Basic` and
 * `Bearer` header values.
 */
export function secretForms(secrets: TestSecrets): SecretForm[] {
  const values = [...(secrets.values ?? [])]
  if (secrets.basic) values.push(secrets.basic.password)
  if (secrets.aws) {
    const { accessKeyId, secretAccessKey, sessionToken } = secrets.aws
    values.push(
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? [sessionToken] : [])
    )
  }
  if (secrets.oauthClient) values.push(secrets.oauthClient.clientSecret)

  const forms: SecretForm[] = []
  for (const [index, value] of [...new Set(values)].entries()) {
    const name = `secret ${index + 1}`
    forms.push(
      { label: name, text: value, maskRequired: true },
      {
        label: `${name}, percent-encoded`,
        text: encodeURIComponent(value),
        maskRequired: true
      },
      { label: `${name}, base64`, text: base64(value), maskRequired: true },
      {
        label: `Bearer header of ${name}`,
        text: `Bearer ${value}`,
        maskRequired: false
      }
    )
  }
  for (const [index, value] of [...new Set(secrets.runnerMasked)].entries()) {
    forms.push(...runnerMaskedForms(`runner secret ${index + 1}`, value))
  }
  if (secrets.basic) {
    const { username, password } = secrets.basic
    const encoded = base64(`${username}:${password}`)
    forms.push(
      { label: 'base64 of user:password', text: encoded, maskRequired: true },
      { label: 'Basic header', text: `Basic ${encoded}`, maskRequired: false }
    )
  }
  if (secrets.oauthClient) forms.push(...clientSecretBasicForms(secrets))
  return dropDuplicateTexts(forms)
}

/** Returns the forms of a secret the runner masks, none to be registered. */
function runnerMaskedForms(name: string, value: string): SecretForm[] {
  return [
    { label: name, text: value, maskRequired: false },
    {
      label: `${name}, percent-encoded`,
      text: encodeURIComponent(value),
      maskRequired: false
    },
    { label: `${name}, base64`, text: base64(value), maskRequired: false },
    {
      label: `Bearer header of ${name}`,
      text: `Bearer ${value}`,
      maskRequired: false
    }
  ]
}

/**
 * Returns the client_secret_basic forms: the base64 of the form-encoded
 * `client_id:client_secret` (RFC 6749, 2.3.1), and its header value.
 */
function clientSecretBasicForms(secrets: TestSecrets): SecretForm[] {
  if (!secrets.oauthClient) return []
  const { clientId, clientSecret } = secrets.oauthClient
  const encoded = base64(`${formEncode(clientId)}:${formEncode(clientSecret)}`)
  return [
    {
      label: 'base64 of client_id:client_secret',
      text: encoded,
      maskRequired: true
    },
    {
      label: 'client_secret_basic header',
      text: `Basic ${encoded}`,
      maskRequired: false
    }
  ]
}

/** Encodes as `application/x-www-form-urlencoded`, as oauth4webapi does. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, match =>
    match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/**
 * Checks one run of the action. Each form that must be masked was
 * registered with `::add-mask::` before it first appeared on stdout, and
 * no form survives the runner's masking of stdout. No form may appear at
 * all in stderr, the outputs, the command files or `texts`, which holds
 * other files the test reads, by label.
 */
export function expectSecretsMasked(
  result: ActionResult,
  secrets: TestSecrets,
  texts: Readonly<Record<string, string>> = {}
): void {
  const forms = secretForms(secrets)
  expect(forms.length).toBeGreaterThan(0)
  expect(unmaskedForms(result.stdout, forms)).toEqual([])

  const masked = maskAsRunner(result.stdout)
  expect(findLeaks(forms, { 'stdout after masking': masked })).toEqual([])

  const outputs = Object.entries(result.outputs).map(
    ([name, value]): [string, string] => [`output ${name}`, value]
  )
  const files = Object.entries(result.files).map(
    ([name, text]): [string, string] => [`command file ${name}`, text]
  )
  const readable = {
    stderr: result.stderr,
    ...Object.fromEntries(outputs),
    ...Object.fromEntries(files),
    ...texts
  }
  expect(findLeaks(forms, readable)).toEqual([])
}

/**
 * Checks text that nothing masks, such as the CLI's output: no form of
 * the secrets may appear in it.
 */
export function expectSecretsAbsent(
  secrets: TestSecrets,
  texts: Readonly<Record<string, string>>
): void {
  const forms = secretForms(secrets)
  expect(forms.length).toBeGreaterThan(0)
  expect(findLeaks(forms, texts)).toEqual([])
}

/**
 * Checks one in-process run of the action. Each form that must be masked
 * was passed to `setSecret`, and no form appears in the recorded logs,
 * outputs, summary or failure, which no runner masks in-process, in the
 * files of the run's bundle directory, nor in `texts`, which contains other
 * files the test reads, by label.
 */
export function expectHostSecretsMasked(
  host: RecordingHost,
  secrets: TestSecrets,
  texts: Readonly<Record<string, string>> = {}
): void {
  expect(secretForms(secrets).length).toBeGreaterThan(0)
  expect(unregisteredForms(host, secrets)).toEqual([])
  expect(hostLeaks(host, secrets, texts)).toEqual([])
}

/**
 * Lists the forms of the secrets that must be masked but that one
 * in-process run never passed to `setSecret`, by label.
 */
function unregisteredForms(
  host: RecordingHost,
  secrets: TestSecrets
): string[] {
  const registered = new Set(host.secrets)
  return secretForms(secrets)
    .filter(form => form.maskRequired && !registered.has(form.text))
    .map(form => `${form.label}: never passed to setSecret`)
}

/**
 * Lists where a form of the secrets appears after one in-process run: in
 * its logs, outputs, summary or failure, in a file of its bundle
 * directory, or in `texts`. Each entry names the form by label, never by
 * its text, so a failure message leaks nothing either.
 */
export function hostLeaks(
  host: RecordingHost,
  secrets: TestSecrets,
  texts: Readonly<Record<string, string>> = {}
): string[] {
  const readable = {
    'log, outputs and summary': host.visibleText(),
    failure: host.failure ?? '',
    ...bundleTexts(hostBundleDir(host)),
    ...texts
  }
  return findLeaks(secretForms(secrets), readable)
}

/**
 * Returns the bundle directory of an in-process run, resolved as the
 * action resolves it: the `bundle-dir` input against the workspace, or
 * the default below RUNNER_TEMP or the workspace.
 */
function hostBundleDir(host: RecordingHost): string {
  const input = host.getInput('bundle-dir')
  const workspace = host.env.GITHUB_WORKSPACE ?? process.cwd()
  return resolveBundleDir(
    input === '' ? undefined : path.resolve(workspace, input),
    host.env
  )
}

/**
 * Reads every file below a bundle directory as text, labelled `bundle`
 * and the path relative to the directory. A missing directory has none.
 */
export function bundleTexts(bundleDir: string): Record<string, string> {
  if (!existsSync(bundleDir)) return {}
  const texts: Record<string, string> = {}
  const entries = readdirSync(bundleDir, {
    recursive: true,
    withFileTypes: true
  })
  for (const entry of entries.filter(e => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name)
    texts[`bundle ${path.relative(bundleDir, file)}`] = readFileSync(
      file,
      'utf8'
    )
  }
  return texts
}

/**
 * Lists the forms that must be masked but were not registered, or were
 * registered only after a line that already contained them.
 */
function unmaskedForms(stdout: string, forms: readonly SecretForm[]): string[] {
  const registered = new Map<string, number>()
  for (const command of parseWorkflowCommands(stdout)) {
    if (command.name !== 'add-mask') continue
    if (!registered.has(command.value)) {
      registered.set(command.value, command.line)
    }
  }
  const lines = stdout.split(/\r?\n/)
  const problems: string[] = []
  for (const form of forms.filter(f => f.maskRequired)) {
    const maskLine = registered.get(form.text)
    const firstUse = lines.findIndex(
      line => !line.startsWith('::add-mask::') && line.includes(form.text)
    )
    if (maskLine === undefined) {
      problems.push(`${form.label}: never registered with ::add-mask::`)
    } else if (firstUse >= 0 && firstUse < maskLine) {
      problems.push(`${form.label}: printed before ::add-mask::`)
    }
  }
  return problems
}

/**
 * Returns stdout as the runner's log shows it: `::add-mask::` lines are
 * consumed, and every value registered so far is replaced by `***` in
 * each later line, longest value first.
 */
export function maskAsRunner(stdout: string): string {
  const masks: string[] = []
  const logLines: string[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const [command] = parseWorkflowCommands(line)
    if (command?.name === 'add-mask') {
      if (command.value !== '') masks.push(command.value)
      masks.sort((a, b) => b.length - a.length)
      continue
    }
    let masked = line
    for (const mask of masks) masked = masked.split(mask).join(MASK)
    logLines.push(masked)
  }
  return logLines.join('\n')
}

function findLeaks(
  forms: readonly SecretForm[],
  texts: Readonly<Record<string, string>>
): string[] {
  const leaks: string[] = []
  for (const [where, text] of Object.entries(texts)) {
    for (const form of forms) {
      if (text.includes(form.text)) leaks.push(`${form.label} in ${where}`)
    }
  }
  return leaks
}

function dropDuplicateTexts(forms: readonly SecretForm[]): SecretForm[] {
  const seen = new Map<string, SecretForm>()
  for (const form of forms) {
    const earlier = seen.get(form.text)
    if (!earlier || (form.maskRequired && !earlier.maskRequired)) {
      seen.set(form.text, form)
    }
  }
  return [...seen.values()]
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64')
}
