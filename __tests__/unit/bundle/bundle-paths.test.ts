import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import {
  checkRelativePath,
  resolveInside
} from '../../../src/bundle/bundle-paths.js'

describe('checkRelativePath', () => {
  it.each(['model/MLmodel', 'model/data/model.pkl', 'a', '.hidden/file'])(
    'accepts %s',
    relative => {
      expect(checkRelativePath(relative)).toBeUndefined()
    }
  )

  it.each([
    ['', /empty/],
    ['/etc/passwd', /absolute/],
    ['C:/model', /absolute/],
    ['model\\..\\x', /backslash/],
    ['../outside', /"\.\."/],
    ['model/../../outside', /"\.\."/],
    ['model/./MLmodel', /"\."/],
    ['model//MLmodel', /empty/],
    ['model/', /empty/],
    ['model/\0x', /NUL/]
  ])('rejects %j', (relative, problem) => {
    expect(checkRelativePath(relative)).toMatch(problem)
  })
})

describe('resolveInside', () => {
  const root = path.resolve('/tmp/bundle-root')

  it('joins a safe path below the root', () => {
    expect(resolveInside(root, 'model/MLmodel')).toBe(
      path.join(root, 'model', 'MLmodel')
    )
  })

  it('rejects a path escaping the root', () => {
    expect(() => resolveInside(root, '../other/file')).toThrow(
      /not a path inside the bundle/
    )
  })

  it('rejects the root itself', () => {
    expect(() => resolveInside(root, '.')).toThrow(/inside the bundle/)
  })
})
