import { describe, expect, it } from '@jest/globals'

import { parseDatabricksCfg } from '../../../src/config/databricks-cfg.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const FILE = '/home/ci/.databrickscfg'

function profile(text: string, name: string) {
  return Object.fromEntries(parseDatabricksCfg(text, FILE).get(name) ?? [])
}

describe('parseDatabricksCfg', () => {
  it.each([
    ['key = value', '[ci]\nhost = https://a\n', { host: 'https://a' }],
    ['colon delimiter', '[ci]\nhost: https://a\n', { host: 'https://a' }],
    ['no spaces', '[ci]\ntoken=dapi1\n', { token: 'dapi1' }],
    ['upper-case key', '[ci]\nTOKEN = dapi1\n', { token: 'dapi1' }],
    ['hash comment', '# c\n[ci]\n; c\ntoken = t\n', { token: 't' }],
    ['inline # kept', '[ci]\ntoken = a # b\n', { token: 'a # b' }],
    ['percent kept', '[ci]\ntoken = a%b\n', { token: 'a%b' }],
    ['CRLF lines', '[ci]\r\ntoken = t\r\n', { token: 't' }],
    ['byte order mark', '\uFEFF[ci]\ntoken = t\n', { token: 't' }],
    ['continuation', '[ci]\nnote = a\n  b\n', { note: 'a\nb' }],
    ['empty value', '[ci]\ntoken =\n', { token: '' }]
  ])('reads %s', (_case, text, expected) => {
    expect(profile(text, 'ci')).toEqual(expected)
  })

  it('keeps DEFAULT apart from other profiles', () => {
    const text = '[DEFAULT]\nhost = https://d\n[ci]\ntoken = t\n'

    expect(profile(text, 'ci')).toEqual({ token: 't' })
    expect(profile(text, 'DEFAULT')).toEqual({ host: 'https://d' })
  })

  it('matches profile names by case', () => {
    const profiles = parseDatabricksCfg('[CI]\ntoken = t\n', FILE)

    expect(profiles.has('ci')).toBe(false)
  })

  it.each([
    ['key before profile', 'token = secret-1\n', 'line 1', 'first [profile]'],
    ['duplicate profile', '[a]\n[a]\n', 'line 2', 'appears twice'],
    ['duplicate key', '[a]\nk = 1\nK = 2\n', 'line 3', 'appears twice'],
    ['stray text', '[a]\nsecret-2\n', 'line 2', 'neither']
  ])('rejects %s', (_case, text, line, problem) => {
    const { diagnosis } = diagnosedErrorOf(() => parseDatabricksCfg(text, FILE))

    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain(FILE)
    expect(diagnosis.detail).toContain(line)
    expect(diagnosis.detail).toContain(problem)
    expect(diagnosis.detail).not.toContain('secret-')
  })
})
