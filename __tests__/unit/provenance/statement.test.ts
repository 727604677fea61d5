import { createHash } from 'node:crypto'

import { describe, expect, it } from '@jest/globals'

import {
  compareFileNames,
  isIgnored,
  rootDigest
} from '../../../src/provenance/model-digest.js'
import {
  buildStatement,
  parseStatement
} from '../../../src/provenance/statement.js'

const sha = (text: string): string =>
  createHash('sha256').update(text).digest('hex')

const MANIFEST = {
  modelName: 'model',
  files: [
    { name: 'a.txt', digest: sha('dotted') },
    { name: 'a/b', digest: sha('nested') },
    { name: 'a-b/c', digest: sha('dashed') }
  ]
}

describe('compareFileNames', () => {
  it.each([
    ['a/b', 'a-b/c'],
    ['a/b', 'a.txt'],
    ['a-b/c', 'a.txt'],
    ['A', 'a'],
    ['data', 'data/x'],
    ['z\u{10000}', 'z\uffff'.replace('\uffff', '\u{10001}')]
  ])('orders %j before %j', (first, second) => {
    expect(compareFileNames(first, second)).toBeLessThan(0)
    expect(compareFileNames(second, first)).toBeGreaterThan(0)
  })

  it('orders by code point beyond the BMP', () => {
    expect(compareFileNames('\u{10000}', '\uffff')).toBeGreaterThan(0)
  })
})

describe('isIgnored', () => {
  it.each([
    ['model.sig', true],
    ['.git/HEAD', true],
    ['.github/workflows/x.yml', true],
    ['.gitignore', true],
    ['.gitattributes', true],
    ['sub/model.sig', false],
    ['sub/.git/HEAD', false],
    ['.gitkeep', false],
    ['model.sig.bak', false]
  ])('%s is %s', (name, ignored) => {
    expect(isIgnored(name)).toBe(ignored)
  })

  it.each([
    ['README.md', ['README.md'], true],
    ['docs/README.md', ['README.md'], false],
    ['docs/a/b', ['docs/'], true],
    ['docs/a/b', ['./docs'], true],
    ['anything', ['.'], true],
    ['.gitignore', ['model.sig'], false]
  ])('%s with %j is %s', (name, ignorePaths, ignored) => {
    expect(isIgnored(name, ignorePaths)).toBe(ignored)
  })
})

describe('buildStatement', () => {
  const statement = JSON.parse(buildStatement(MANIFEST).toString()) as {
    _type: string
    predicateType: string
    subject: { name: string; digest: { sha256: string } }[]
    predicate: {
      serialization: Record<string, unknown>
      resources: { name: string; algorithm: string; digest: string }[]
    }
  }

  it('is an in-toto statement v1', () => {
    expect(statement._type).toBe('https://in-toto.io/Statement/v1')
  })

  it('has the model-signing predicate type', () => {
    expect(statement.predicateType).toBe('https://model_signing/signature/v1.0')
  })

  it('lists resources by path components', () => {
    expect(statement.predicate.resources.map(r => r.name)).toEqual([
      'a/b',
      'a-b/c',
      'a.txt'
    ])
  })

  it('digests the resource digests in order as subject', () => {
    const concatenated = Buffer.concat(
      [sha('nested'), sha('dashed'), sha('dotted')].map(hex =>
        Buffer.from(hex, 'hex')
      )
    )
    expect(statement.subject).toEqual([
      {
        name: 'model',
        digest: {
          sha256: createHash('sha256').update(concatenated).digest('hex')
        }
      }
    ])
  })

  it('records the file serialization', () => {
    expect(statement.predicate.serialization).toEqual({
      method: 'files',
      hash_type: 'sha256',
      allow_symlinks: false,
      ignore_paths: [
        'model.sig',
        '.git',
        '.gitattributes',
        '.github',
        '.gitignore'
      ]
    })
  })
})

describe('parseStatement', () => {
  it('reads back what buildStatement wrote', () => {
    const parsed = parseStatement(buildStatement(MANIFEST))
    expect(parsed).toMatchObject({
      modelName: 'model',
      digest: rootDigest(
        [...MANIFEST.files].sort((a, b) => compareFileNames(a.name, b.name))
      )
    })
  })

  it('rejects a subject digest that does not match', () => {
    const json = JSON.parse(buildStatement(MANIFEST).toString()) as {
      subject: { digest: { sha256: string } }[]
    }
    const subject = json.subject[0]
    if (subject) subject.digest.sha256 = sha('other')
    const parsed = parseStatement(Buffer.from(JSON.stringify(json)))
    expect(parsed).toEqual({
      invalid: expect.stringContaining('statement is inconsistent')
    })
  })

  it('rejects another predicate type', () => {
    const json = JSON.parse(buildStatement(MANIFEST).toString()) as Record<
      string,
      unknown
    >
    json.predicateType = 'https://slsa.dev/provenance/v1'
    const parsed = parseStatement(Buffer.from(JSON.stringify(json)))
    expect(parsed).toEqual({
      invalid: expect.stringContaining('not a model-signing v1.0 statement')
    })
  })

  it('rejects a payload that is not JSON', () => {
    expect(parseStatement(Buffer.from('{'))).toEqual({
      invalid: 'the signed payload is not JSON'
    })
  })
})
