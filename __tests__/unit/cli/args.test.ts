import { describe, expect, it } from '@jest/globals'

import { UsageError, parseCliArgs } from '../../../src/cli/args.js'
import { INPUTS } from '../../../src/config/inputs.js'
import { thrownBy } from '../fixtures/thrown.js'

describe('parseCliArgs commands', () => {
  it.each(['register', 'preflight', 'sync'])(
    'reads the %s command',
    command => {
      expect(parseCliArgs([command]).command).toBe(command)
    }
  )

  it('reads no command from an empty line', () => {
    const args = parseCliArgs([])
    expect(args).not.toHaveProperty('command')
    expect(args.help).toBe(false)
  })

  it('rejects an unknown command', () => {
    const error = thrownBy(() => parseCliArgs(['deploy']))
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(
      'Unknown command "deploy". Commands: register, preflight, sync, ' +
        'verify, list, show, fake-server.'
    )
  })

  it('rejects a repeated option', () => {
    const error = thrownBy(() =>
      parseCliArgs(['register', '--model-name=a', '--model-name', 'b'])
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(
      'The option --model-name is given more than once; give it once.'
    )
  })

  it('rejects an unknown option plainly', () => {
    const error = thrownBy(() => parseCliArgs(['register', '--bogus']))
    expect((error as UsageError).message).toBe('Unknown option --bogus.')
  })

  it('names an option without its value', () => {
    const error = thrownBy(() => parseCliArgs(['register', '--wait-timeout']))
    expect((error as UsageError).message).toBe(
      'The option --wait-timeout needs a value: --wait-timeout VALUE.'
    )
  })

  it('explains a value that starts with a dash', () => {
    const error = thrownBy(() =>
      parseCliArgs(['register', '--wait-timeout', '-5'])
    )
    expect((error as UsageError).message).toBe(
      'The value of --wait-timeout starts with a dash. Write it as ' +
        '--wait-timeout=VALUE, or give a value that does not.'
    )
  })

  it('rejects an extra positional argument', () => {
    const error = thrownBy(() => parseCliArgs(['register', 'fraud-model']))
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe(
      'Unexpected argument "fraud-model".'
    )
  })
})

describe('parseCliArgs flags', () => {
  it('takes a PEM text as the value of its flag', () => {
    const pem =
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQ==\n-----END PUBLIC KEY-----'
    const args = parseCliArgs(['verify', '--verify-key', pem, '--json'])
    expect(args.flags.get('verify-key')).toBe(pem)
    expect(args.json).toBe(true)
  })

  it('reads input flags in both spellings', () => {
    const args = parseCliArgs([
      'register',
      '--model-name',
      'fraud-model',
      '--tracking-uri=https://mlflow.test'
    ])
    expect(args.flags).toEqual(
      new Map([
        ['model-name', 'fraud-model'],
        ['tracking-uri', 'https://mlflow.test']
      ])
    )
  })

  it.each(
    INPUTS.filter(input => input.name !== 'mode').map(input => [
      input.name,
      input.commands[0]
    ])
  )('accepts --%s on %s', (name, command) => {
    const args = parseCliArgs([command, `--${name}`, 'x'])
    expect(args.flags.get(name)).toBe('x')
  })

  it('keeps an empty flag value', () => {
    const args = parseCliArgs(['register', '--description='])
    expect(args.flags.get('description')).toBe('')
  })

  it('reads the switches and the summary file', () => {
    const args = parseCliArgs([
      'preflight',
      '--json',
      '--debug',
      '--summary-file',
      'summary.md'
    ])
    expect(args).toMatchObject({
      command: 'preflight',
      json: true,
      debug: true,
      help: false,
      summaryFile: 'summary.md'
    })
  })

  it.each([['--help'], ['-h']])('reads %s', flag => {
    expect(parseCliArgs(['register', flag]).help).toBe(true)
  })

  it.each([
    ['an unknown flag', ['register', '--model', 'x']],
    ['the mode flag', ['register', '--mode', 'preflight']],
    ['a flag without its value', ['register', '--model-name']],
    ['a value for a switch', ['register', '--json=yes']]
  ])('rejects %s', (_, argv) => {
    expect(thrownBy(() => parseCliArgs(argv))).toBeInstanceOf(UsageError)
  })
})

describe('parseCliArgs true-or-false flags', () => {
  it.each([
    [['register', '--dry-run'], 'dry-run', 'true'],
    [['register', '--dry-run', '--json'], 'dry-run', 'true'],
    [['register', '--dry-run', 'false'], 'dry-run', 'false'],
    [['register', '--force-new-version', 'yes'], 'force-new-version', 'yes']
  ])('reads %j', (argv, name, expected) => {
    expect(parseCliArgs(argv).flags.get(name)).toBe(expected)
  })

  it('keeps --json after a bare --dry-run', () => {
    expect(parseCliArgs(['register', '--dry-run', '--json']).json).toBe(true)
  })
})

describe('parseCliArgs flags per command', () => {
  it.each([
    ['sync', '--aliases', 'champion'],
    ['list', '--model-name', 'fraud-model'],
    ['preflight', '--dry-run', 'true'],
    ['verify', '--bundle-dir', 'bundles']
  ])('rejects %s %s', (command, flag, value) => {
    expect(() => parseCliArgs([command, flag, value])).toThrow(
      `The ${command} command does not take ${flag}. Run ` +
        `mlflow-register ${command} --help for its options.`
    )
  })

  it.each([
    ['show', '--json'],
    ['list', '--debug'],
    ['list', '--summary-file']
  ])('rejects %s %s', (command, flag) => {
    const args = [command, ...(command === 'show' ? ['b1'] : []), flag]
    if (flag === '--summary-file') args.push('summary.md')
    expect(() => parseCliArgs(args)).toThrow(
      `The ${command} command does not take ${flag}.`
    )
  })

  it.each([
    ['sync', '--model-name', 'fraud-model'],
    ['list', '--registry-dir', 'registry'],
    ['preflight', '--report-path', 'report.md'],
    ['verify', '--source', 'models:/fraud-model/1']
  ])('accepts %s %s', (command, flag, value) => {
    expect(parseCliArgs([command, flag, value]).flags.size).toBe(1)
  })
})

describe('parseCliArgs of show', () => {
  it('reads --help without a bundle id', () => {
    expect(parseCliArgs(['show', '--help']).help).toBe(true)
  })

  it('rejects a missing bundle id', () => {
    expect(() => parseCliArgs(['show'])).toThrow(
      'The show command needs a bundle id.'
    )
  })
})
