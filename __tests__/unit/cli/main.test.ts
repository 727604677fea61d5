import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import { runCli } from '../../../src/cli/main.js'

/** Runs the CLI in-process and collects what it prints. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = ''
  let stderr = ''
  const exitCode = await runCli(argv, env, {
    stdout: text => (stdout += text),
    stderr: text => (stderr += text)
  })
  return { exitCode, stdout, stderr }
}

const REGISTER = [
  'register',
  '--tracking-uri',
  'http://127.0.0.1:9',
  '--model-name',
  'm',
  '--source',
  'runs:/abc/model'
]

describe('runCli --version', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      version: string
    }
    const result = await cli(['--version'])
    expect(result.stdout).toBe(`${pkg.version}\n`)
    expect(result.exitCode).toBe(0)
  })
})

describe('runCli with an invalid option value', () => {
  it('exits 2 for --max-attempts 0', async () => {
    const result = await cli([...REGISTER, '--max-attempts', '0'])
    expect(result.exitCode).toBe(2)
  })

  it('names the flag, not the input', async () => {
    const result = await cli([...REGISTER, '--max-attempts', '0'])
    expect(result.stderr).toContain('Invalid --max-attempts')
    expect(result.stderr).not.toContain('input `max-attempts`')
  })

  it('names the flag in the fix', async () => {
    const result = await cli([...REGISTER, '--max-attempts', '0'])
    expect(result.stderr).toContain('Fix: Set --max-attempts to')
  })

  it('names the variable a value came from', async () => {
    const result = await cli(REGISTER, {
      MLFLOW_TRACKING_INSECURE_TLS: 'maybe'
    })
    expect(result.stderr).toContain(
      'environment variable MLFLOW_TRACKING_INSECURE_TLS (--insecure-tls)'
    )
  })

  it('exits 2 for a ci. tag', async () => {
    const result = await cli([...REGISTER, '--tags', 'ci.commit=x'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('Invalid --tags')
  })

  it('asks for a missing flag on the command line', async () => {
    const result = await cli(['register', '--tracking-uri', 'http://x'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(
      'Fix: Set --model-name on the command line.'
    )
  })
})

describe('runCli with the server down', () => {
  it('points a deferral at the sync command', async () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), 'cli-defer-'))
    try {
      const result = await cli([
        ...REGISTER,
        '--max-attempts',
        '1',
        '--bundle-dir',
        bundleDir
      ])
      expect(result.exitCode).toBe(0)
      expect(result.stderr).toContain(
        'A sync (the `sync` command) registers it once the server is back.'
      )
      expect(result.stderr).not.toContain('this action')
    } finally {
      rmSync(bundleDir, { recursive: true, force: true })
    }
  })
})

describe('runCli preflight report', () => {
  it('names flags where the action names inputs', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'cli-report-'))
    const report = path.join(directory, 'report.md')
    try {
      const result = await cli([
        'preflight',
        ...['--tracking-uri', 'http://127.0.0.1:9', '--model-name', 'm'],
        ...['--max-attempts', '1', '--report-path', report]
      ])
      const text = readFileSync(report, 'utf8')
      expect(result.exitCode).toBe(1)
      expect(text).toContain('tracking-uri: --tracking-uri')
      expect(text).not.toContain('input `tracking-uri`')
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})

describe('runCli with an unknown option', () => {
  it('points to the help once', async () => {
    const result = await cli(['register', '--bogus'])
    const hints = result.stderr.match(/--help/g) ?? []
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('error: Unknown option --bogus.\n')
    expect(hints).toHaveLength(2)
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(2)
  })
})
