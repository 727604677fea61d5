import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { readActionInputs } from '../support/run-action.js'
import { CLI_ENTRY, parseCliOutputs, runCli } from '../support/run-cli.js'
import { expectSecretsAbsent } from '../support/secret-scan.js'
import {
  createTestUser,
  testServers,
  uniqueModelName
} from '../support/servers.js'
import {
  closedLoopbackUrl,
  inheritedEnv,
  NODE_24,
  ROOT,
  type ProcessResult
} from '../support/spawn-node.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

/** Returns the CLI's stdout and stderr by name, for the secret scan. */
function printed(result: ProcessResult): Record<string, string> {
  return { stdout: result.stdout, stderr: result.stderr }
}

describe('mlflow-register --help', () => {
  let result: ProcessResult

  beforeAll(async () => {
    result = await runCli(['--help'])
  })

  it('exits with code 0', () => {
    expect(result.exitCode).toBe(0)
  })

  it.each(['register', 'preflight'])('lists the %s command', command => {
    expect(result.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'))
  })
})

// `mode` is the command itself, and only preflight writes the report.
const NOT_REGISTER_FLAGS = ['mode', 'report-path']

describe('mlflow-register register --help', () => {
  let result: ProcessResult

  beforeAll(async () => {
    result = await runCli(['register', '--help'])
  })

  it('exits with code 0', () => {
    expect(result.exitCode).toBe(0)
  })

  it('lists each input register reads as a flag', async () => {
    const inputs = Object.keys(await readActionInputs())
    const missing = inputs
      .filter(name => !NOT_REGISTER_FLAGS.includes(name))
      .filter(name => !result.stdout.includes(`  --${name}\n`))
    expect(missing).toEqual([])
  })

  it.each(NOT_REGISTER_FLAGS)('leaves out --%s', name => {
    expect(result.stdout).not.toContain(`  --${name}\n`)
  })

  it.each(['--json', '--summary-file FILE', '--debug', '-h, --help'])(
    'lists %s',
    flag => {
      expect(result.stdout).toContain(`  ${flag} `)
    }
  )
})

describe('mlflow-register register', () => {
  const server = testServers().basicAuth
  // Other users get only READ on an experiment they did not create, so
  // the default experiment may belong to another test's user.
  const experiment = uniqueModelName('e2e-cli-experiment')
  let user: { username: string; password: string }
  let scratch: string

  beforeAll(async () => {
    user = await createTestUser('e2e-cli')
    scratch = await mkdtemp(path.join(tmpdir(), 'e2e-cli-'))
  })

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it('registers a version from flags', async () => {
    const model = uniqueModelName('e2e-cli-flags')
    const summaryFile = path.join(scratch, 'flags.md')
    const result = await runCli([
      'register',
      ...['--tracking-uri', server.url, '--model-name', model],
      ...['--model-path', 'examples/model', '--experiment-name', experiment],
      ...['--username', user.username, '--password', user.password],
      ...['--summary-file', summaryFile, '--json']
    ])
    const summary = await readFile(summaryFile, 'utf8')

    expectSecretsAbsent({ basic: user }, { ...printed(result), summary })
    expect(result.exitCode).toBe(0)
    expect(parseCliOutputs(result.stdout)).toEqual({
      outcome: 'registered',
      'model-name': model,
      'model-version': '1',
      'model-uri': `models:/${model}/1`,
      'model-url': `${server.url}/#/models/${model}/versions/1`,
      'auth-mode': 'basic',
      comparison: null,
      diagnosis: '',
      'bundle-path': '',
      'bundle-artifact': '',
      'bundle-key': '',
      'sync-report': '',
      'planned-calls': null,
      'report-path': '',
      'attestation-url': '',
      'model-digest': expect.stringMatching(/^[0-9a-f]{64}$/)
    })
    expect(summary).toContain('MLflow register: registered')
  })

  it('prints the release comparison as an object', async () => {
    const model = uniqueModelName('e2e-cli-release')
    const result = await runCli([
      'register',
      ...['--tracking-uri', server.url, '--model-name', model],
      ...['--model-path', 'examples/model', '--experiment-name', experiment],
      ...['--username', user.username, '--password', user.password],
      ...['--aliases', 'champion', '--json']
    ])
    const comparison = parseCliOutputs(result.stdout).comparison as {
      alias: string
      verdict: string
    }

    expectSecretsAbsent({ basic: user }, printed(result))
    expect(result.exitCode).toBe(0)
    expect(comparison.alias).toBe('champion')
    expect(comparison.verdict).toBe(
      "Version 1 is the first with alias 'champion'."
    )
  })

  it('registers a version from MLFLOW_REGISTER_* variables', async () => {
    const model = uniqueModelName('e2e-cli-env')
    const result = await runCli(['register', '--json'], {
      MLFLOW_REGISTER_TRACKING_URI: server.url,
      MLFLOW_REGISTER_MODEL_NAME: model,
      MLFLOW_REGISTER_MODEL_PATH: 'examples/model',
      MLFLOW_REGISTER_EXPERIMENT_NAME: experiment,
      MLFLOW_REGISTER_USERNAME: user.username,
      MLFLOW_REGISTER_PASSWORD: user.password
    })
    const outputs = parseCliOutputs(result.stdout)

    expectSecretsAbsent({ basic: user }, printed(result))
    expect(result.exitCode).toBe(0)
    expect(outputs.outcome).toBe('registered')
    expect(outputs['model-uri']).toBe(`models:/${model}/1`)
  })

  it('exits 1 with the diagnosis on failure', async () => {
    const wrong = { ...user, password: `${user.password}-wrong` }
    const result = await runCli([
      'register',
      ...['--tracking-uri', server.url],
      ...['--model-name', uniqueModelName('e2e-cli-wrong')],
      ...['--model-path', 'examples/model'],
      ...['--username', wrong.username, '--password', wrong.password],
      '--json'
    ])
    const outputs = parseCliOutputs(result.stdout)

    expectSecretsAbsent({ basic: wrong }, printed(result))
    expect(result.exitCode).toBe(1)
    expect(outputs.diagnosis).toBe('AUTH_REJECTED')
    expect(outputs.outcome).toBe('failed')
    expect(result.stderr).toContain('error: AUTH_REJECTED:')
  })

  it('redacts a secret echoed in an error', async () => {
    // A shifted argument list puts the token where a number belongs; the
    // message quotes the value, and the CLI replaces it with ***.
    const token = `cli-token-${randomBytes(12).toString('hex')}`
    const result = await runCli([
      'register',
      ...['--tracking-uri', await closedLoopbackUrl()],
      ...['--model-name', 'fraud-model', '--model-path', 'examples/model'],
      ...['--token', token, '--max-attempts', token, '--json']
    ])
    const outputs = parseCliOutputs(result.stdout)

    expectSecretsAbsent({ values: [token] }, printed(result))
    expect(result.exitCode).toBe(2)
    expect(outputs.diagnosis).toBe('CLIENT_CONFIG')
    expect(result.stderr).toContain('got "***"')
  })
})

describe('mlflow-register with an unknown flag', () => {
  let result: ProcessResult

  beforeAll(async () => {
    result = await runCli(['register', '--no-such-flag'])
  })

  it('exits with code 2', () => {
    expect(result.exitCode).toBe(2)
  })

  it('names the flag on stderr', () => {
    expect(result.stderr).toContain('Unknown option --no-such-flag.')
  })

  it('prints nothing on stdout', () => {
    expect(result.stdout).toBe('')
  })
})

describe('mlflow-register with an invalid variable', () => {
  let result: ProcessResult

  beforeAll(async () => {
    result = await runCli(
      [
        'register',
        ...['--tracking-uri', await closedLoopbackUrl()],
        ...['--model-name', 'fraud-model', '--source', 's3://bucket/model']
      ],
      { MLFLOW_REGISTER_MAX_ATTEMPTS: 'many' }
    )
  })

  it('exits with code 2', () => {
    expect(result.exitCode).toBe(2)
  })

  it('names the variable, not the flag', () => {
    expect(result.stderr).toContain('MLFLOW_REGISTER_MAX_ATTEMPTS')
    expect(result.stderr).not.toContain('--max-attempts')
  })
})

/** The line that `fake-server` prints on stdout once it listens. */
interface FakeAddress {
  readonly url: string
  readonly port: number
  readonly pid: number
}

/** Resolves with the first line a stream prints. */
async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) {
    text += String(chunk)
    const end = text.indexOf('\n')
    if (end >= 0) return text.slice(0, end)
  }
  throw new Error(`the stream ended before a whole line: ${text}`)
}

describe('mlflow-register fake-server', () => {
  const token = `fake-token-${randomBytes(12).toString('hex')}`
  let child: ChildProcessWithoutNullStreams
  let stderr = ''
  let address: FakeAddress
  let registered: ProcessResult
  let exit: { code: number | null; signal: string | null }

  beforeAll(async () => {
    child = spawn(NODE_24, [CLI_ENTRY, 'fake-server'], {
      cwd: ROOT,
      env: inheritedEnv()
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = once(child, 'exit')
    address = JSON.parse(await firstLine(child.stdout)) as FakeAddress
    registered = await runCli(
      [
        'register',
        ...['--tracking-uri', address.url, '--model-name', 'fraud-model'],
        ...['--model-path', 'examples/model', '--aliases', 'champion'],
        '--json'
      ],
      { MLFLOW_TRACKING_TOKEN: token }
    )
    process.kill(address.pid, 'SIGTERM')
    const [code, signal] = (await exited) as [number | null, string | null]
    exit = { code, signal }
  })

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
  })

  it('prints its loopback URL and PID', () => {
    expect(address.url).toBe(`http://127.0.0.1:${address.port}`)
    expect(address.pid).toBe(child.pid)
  })

  it('takes a registration', () => {
    expect(registered.exitCode).toBe(0)
    expect(parseCliOutputs(registered.stdout)).toMatchObject({
      outcome: 'registered',
      'model-uri': 'models:/fraud-model/1'
    })
  })

  it('stops cleanly on SIGTERM', () => {
    expect(exit).toEqual({ code: 0, signal: null })
    expect(stderr).toContain('Fake MLflow server stopped (SIGTERM)')
  })

  it('leaks no form of the token', () => {
    expectSecretsAbsent(
      { values: [token] },
      { ...printed(registered), 'fake-server stderr': stderr }
    )
  })
})
