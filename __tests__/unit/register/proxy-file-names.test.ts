import { describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { checkProxyFileNames } from '../../../src/register/proxy-file-names.js'
import { thrownBy } from '../fixtures/thrown.js'

function detailFor(...names: string[]): string | undefined {
  const files = names.map(relativePath => ({ relativePath }))
  const error = thrownBy(() => {
    checkProxyFileNames(files)
  })
  return (error as DiagnosedError | undefined)?.diagnosis.detail
}

describe('checkProxyFileNames', () => {
  // MLflow 3.17 stores these paths as sent.
  it.each([
    'MLmodel',
    'data/100%.txt',
    'data/50%_off.txt',
    'data/a%zz',
    'ünï cödé/😀 file.txt',
    'per cent & more; (copy).pkl',
    'a;b/c',
    'a/b;c',
    'a/b;c;',
    'a/b?c',
    'a?/b'
  ])('accepts %j', name => {
    expect(() => {
      checkProxyFileNames([{ relativePath: name }])
    }).not.toThrow()
  })

  it.each([
    'notes#1.txt',
    'data/a%2Fb',
    'data/a%25b',
    'data/per%cent',
    'line\nbreak',
    'tab\tx',
    'bell\u0007',
    'del\u007f',
    'what?',
    'a/weights;',
    'a/b;?c',
    'a/;'
  ])('rejects %j', name => {
    expect(detailFor(name)).toContain(JSON.stringify(name))
  })

  it('names three files and counts the rest', () => {
    const detail = detailFor('a#1', 'b#2', 'c#3', 'd#4', 'e#5')
    expect(detail).toContain(
      '5 files of the model ("a#1", "b#2", "c#3" and 2 more)'
    )
  })
})
