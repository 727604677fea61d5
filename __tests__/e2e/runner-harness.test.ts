import { describe, expect, it } from '@jest/globals'

import {
  inputVariables,
  parseCommandFile,
  parseWorkflowCommands,
  type ActionResult
} from '../support/run-action.js'
import {
  expectSecretsMasked,
  maskAsRunner,
  secretForms
} from '../support/secret-scan.js'

describe('inputVariables', () => {
  it('applies action.yml defaults', async () => {
    const variables = await inputVariables({})
    expect(variables['INPUT_AUTH-MODE']).toBe('auto')
  })

  it('keeps hyphens in variable names', async () => {
    const variables = await inputVariables({ 'model-name': 'fraud' })
    expect(variables['INPUT_MODEL-NAME']).toBe('fraud')
  })

  it('lets a step value win over the default', async () => {
    const variables = await inputVariables({ mode: 'preflight' })
    expect(variables.INPUT_MODE).toBe('preflight')
  })

  it('leaves inputs without default unset', async () => {
    const variables = await inputVariables({})
    expect(variables).not.toHaveProperty('INPUT_PASSWORD')
  })

  it('rejects an undeclared input', async () => {
    await expect(inputVariables({ 'model-nmae': 'x' })).rejects.toThrow(
      'model-nmae'
    )
  })
})

describe('parseCommandFile', () => {
  it.each([
    ['single line', 'a=1\n', { a: '1' }],
    ['value with =', 'a=x=y\n', { a: 'x=y' }],
    ['heredoc', 'a<<EOF\nline 1\nline 2\nEOF\n', { a: 'line 1\nline 2' }],
    ['empty heredoc', 'a<<EOF\n\nEOF\n', { a: '' }],
    ['both forms', 'a<<D\nx\nD\nb=2\n', { a: 'x', b: '2' }],
    ['later value wins', 'a=1\na=2\n', { a: '2' }]
  ])('parses %s', (_, text, expected) => {
    expect(parseCommandFile(text)).toEqual(expected)
  })

  it.each([
    ['a line without = or <<', 'junk\n'],
    ['an unterminated heredoc', 'a<<EOF\nvalue\n']
  ])('rejects %s', (_, text) => {
    expect(() => parseCommandFile(text)).toThrow()
  })
})

describe('parseWorkflowCommands', () => {
  it.each([
    ['%25 %0D %0A in values', '::error::a%25b%0Dc%0Ad', 'a%b\rc\nd'],
    ['an escaped escape', '::error::%250A', '%0A'],
    ['an add-mask value', '::add-mask::p%25w', 'p%w']
  ])('unescapes %s', (_, line, expected) => {
    expect(parseWorkflowCommands(line)[0]?.value).toBe(expected)
  })

  it('unescapes property values', () => {
    const [command] = parseWorkflowCommands(
      '::error title=CODE%3A a%2C b%25::message'
    )
    expect(command?.properties.title).toBe('CODE: a, b%')
  })

  it('skips plain log lines', () => {
    expect(parseWorkflowCommands('Uploading 7 files\n:: not one')).toEqual([])
  })
})

describe('maskAsRunner', () => {
  it('masks values registered earlier', () => {
    const log = '::add-mask::hunter2\npassword hunter2'
    expect(maskAsRunner(log)).toBe('password ***')
  })

  it('leaves lines before the mask as printed', () => {
    const log = 'early hunter2\n::add-mask::hunter2'
    expect(maskAsRunner(log)).toBe('early hunter2')
  })
})

describe('expectSecretsMasked', () => {
  const secret = 'p@ss word+1'
  const allMasks = secretForms({ values: [secret] })
    .filter(form => form.maskRequired)
    .map(form => `::add-mask::${form.text.replace(/%/g, '%25')}`)
    .join('\n')

  function resultWith(stdout: string, summary = ''): ActionResult {
    return {
      exitCode: 0,
      stdout,
      stderr: '',
      outputs: {},
      summary,
      annotations: [],
      masks: [],
      files: { output: '', summary, env: '', path: '', state: '' }
    }
  }

  it('passes when every form is masked first', () => {
    const result = resultWith(`${allMasks}\nlogin with ${secret}`)
    expect(() => {
      expectSecretsMasked(result, { values: [secret] })
    }).not.toThrow()
  })

  it('fails when a form is never masked', () => {
    const result = resultWith(`::add-mask::${secret}`)
    expect(() => {
      expectSecretsMasked(result, { values: [secret] })
    }).toThrow('percent-encoded')
  })

  it('fails when a secret precedes its mask', () => {
    const result = resultWith(`login with ${secret}\n${allMasks}`)
    expect(() => {
      expectSecretsMasked(result, { values: [secret] })
    }).toThrow('printed before ::add-mask::')
  })

  it('fails on a secret in the summary', () => {
    const result = resultWith(allMasks, `token: ${encodeURIComponent(secret)}`)
    expect(() => {
      expectSecretsMasked(result, { values: [secret] })
    }).toThrow('summary')
  })

  it('fails on an unmasked Basic header', () => {
    const basic = { username: 'ci-bot', password: secret }
    const header = `Basic ${Buffer.from(`ci-bot:${secret}`).toString('base64')}`
    const result = resultWith(`${allMasks}\nauthorization: ${header}`)
    expect(() => {
      expectSecretsMasked(result, { basic })
    }).toThrow('user:password')
  })
})
