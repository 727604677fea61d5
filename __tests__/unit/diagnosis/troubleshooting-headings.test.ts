import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import { DIAGNOSIS_CODES } from '../../../src/diagnosis/codes.js'

const DOC = path.resolve(
  import.meta.dirname,
  '../../../docs/troubleshooting.md'
)

describe('docs/troubleshooting.md', () => {
  it.each(Object.entries(DIAGNOSIS_CODES))(
    'has a heading for %s',
    async (code, title) => {
      const text = await readFile(DOC, 'utf8')

      expect(text.split('\n')).toContain(`## \`${code}\`: ${title}`)
    }
  )
})
