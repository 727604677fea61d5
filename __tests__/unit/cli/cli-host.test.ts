import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, describe, expect, it } from '@jest/globals'

import {
  createCliHost,
  inputVariable,
  type CliHostOptions
} from '../../../src/cli/cli-host.js'

const directories: string[] = []

afterEach(() => {
  for (const directory of directories.splice(0)) {
    rmSync(directory, { recursive: true, force: true })
  }
})

function hostWith(options: Partial<CliHostOptions> = {}) {
  const written: string[] = []
  const host = createCliHost({
    flags: new Map(),
    env: {},
    debug: false,
    write: line => written.push(line),
    ...options
  })
  return { host, written }
}

describe('inputVariable', () => {
  it.each([
    ['model-name', 'MLFLOW_REGISTER_MODEL_NAME'],
    ['tracking-uri', 'MLFLOW_REGISTER_TRACKING_URI'],
    ['tags', 'MLFLOW_REGISTER_TAGS']
  ])('names the variable of %s', (name, expected) => {
    expect(inputVariable(name)).toBe(expected)
  })
})

describe('createCliHost inputs', () => {
  it('reads a flag first', () => {
    const { host } = hostWith({
      flags: new Map([['model-name', 'from-flag']]),
      env: { MLFLOW_REGISTER_MODEL_NAME: 'from-env' }
    })
    expect(host.getInput('model-name')).toBe('from-flag')
  })

  it('falls back to the MLFLOW_REGISTER_ variable', () => {
    const { host } = hostWith({
      env: { MLFLOW_REGISTER_MODEL_NAME: ' from-env ' }
    })
    expect(host.getInput('model-name')).toBe('from-env')
  })

  it('returns an empty string for an unset input', () => {
    expect(hostWith().host.getInput('model-name')).toBe('')
  })
})

describe('createCliHost wording', () => {
  const message = 'input `max-attempts`: expected a whole number'

  it('names the flag of a flag value', () => {
    const { host, written } = hostWith({
      flags: new Map([['max-attempts', 'many']]),
      env: { MLFLOW_REGISTER_MAX_ATTEMPTS: 'many' }
    })
    host.log.error(message)
    expect(written).toEqual(['error: --max-attempts: expected a whole number'])
  })

  it('names the variable of a variable value', () => {
    const { host, written } = hostWith({
      env: { MLFLOW_REGISTER_MAX_ATTEMPTS: 'many' }
    })
    host.log.error(message)
    expect(written).toEqual([
      'error: MLFLOW_REGISTER_MAX_ATTEMPTS: expected a whole number'
    ])
  })
})

describe('createCliHost redaction', () => {
  it('redacts masked values from every log level', () => {
    const { host, written } = hostWith({ debug: true })
    host.setSecret('s3cret')
    host.log.info('token s3cret')
    host.log.debug('header Bearer s3cret')
    host.log.warning('s3cret', { title: 'Warn s3cret' })
    host.log.error('failed with s3cret')
    expect(written).toEqual([
      'token ***',
      'debug: header Bearer ***',
      'warning: Warn ***: ***',
      'error: failed with ***'
    ])
  })

  it('redacts a longer secret before a shorter one inside it', () => {
    const { host, written } = hostWith()
    host.setSecret('abcd')
    host.setSecret('abcdef')
    host.log.info('value abcdef')
    expect(written).toEqual(['value ***'])
  })

  it('leaves values under four characters alone', () => {
    const { host, written } = hostWith()
    host.setSecret('1')
    host.setSecret('abc')
    host.log.info('http://127.0.0.1:4010/ abc')
    expect(written).toEqual(['http://127.0.0.1:4010/ abc'])
  })

  it('redacts masked values from outputs', () => {
    const { host } = hostWith()
    host.setSecret('s3cret')
    host.setOutput('model-url', 'https://mlflow.test/?t=s3cret')
    expect(host.outputs.get('model-url')).toBe('https://mlflow.test/?t=***')
  })

  it('redacts masked values from the summary file', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'cli-host-'))
    directories.push(directory)
    const summaryFile = path.join(directory, 'summary.md')
    const { host } = hostWith({ summaryFile })
    host.setSecret('s3cret')
    await host.writeSummary('| Auth | s3cret |\n')
    expect(readFileSync(summaryFile, 'utf8')).toBe('| Auth | *** |\n')
  })

  it('ignores an empty secret', () => {
    const { host, written } = hostWith()
    host.setSecret('')
    host.log.info('kept')
    expect(written).toEqual(['kept'])
  })
})

describe('createCliHost logging', () => {
  it('hides debug lines unless debugging', () => {
    const { host, written } = hostWith()
    host.log.debug('detail')
    expect(written).toEqual([])
  })

  it('puts an error title on its own line', () => {
    const { host, written } = hostWith()
    host.log.error('detail', { title: 'AUTH_REJECTED: rejected' })
    expect(written).toEqual(['error: AUTH_REJECTED: rejected\ndetail'])
  })

  it('announces a group and runs its body', async () => {
    const { host, written } = hostWith()
    const result = await host.log.group('Preflight', () => Promise.resolve(42))
    expect(result).toBe(42)
    expect(written).toEqual(['== Preflight'])
  })

  it('records a failure', () => {
    const { host } = hostWith()
    host.setFailed('AUTH_REJECTED: rejected')
    expect(host.failed).toBe(true)
  })
})
