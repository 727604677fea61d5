/**
 * The build step that makes @actions/core load its HTTP client and exec
 * on first use, on webpack modules of the shape ncc writes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { loadActionsCoreImportsOnDemand } from '../../../scripts/lazy-actions-core.mjs'

const PREFIX = './node_modules/@actions'

/** A concatenated module of @actions/core that uses its imports so. */
function coreModule(uses: string): string {
  return [
    '/***/ 1:',
    '/***/ ((module, exports, __nccwpck_require__) => {',
    `;// CONCATENATED MODULE: ${PREFIX}/core/lib/core.js`,
    `// EXTERNAL MODULE: ${PREFIX}/http-client/lib/index.js + 1 modules`,
    'var lib = __nccwpck_require__(11);',
    `// EXTERNAL MODULE: ${PREFIX}/http-client/lib/auth.js`,
    'var auth = __nccwpck_require__(12);',
    `// EXTERNAL MODULE: ${PREFIX}/exec/lib/exec.js + 3 modules`,
    'var lib_exec = __nccwpck_require__(13);',
    uses,
    '/***/ })',
    ''
  ].join('\n')
}

const READS =
  'const client = new lib.HttpClient(new auth.BearerCredentialHandler())\n' +
  'function run(...args) { return lib_exec.exec(...args) }'

let directory: string

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'lazy-core-'))
})

afterEach(() => {
  rmSync(directory, { recursive: true, force: true })
})

function rewrite(code: string): string {
  const file = path.join(directory, 'index.js')
  writeFileSync(file, code)
  loadActionsCoreImportsOnDemand(directory)
  return readFileSync(file, 'utf8')
}

describe('loadActionsCoreImportsOnDemand', () => {
  it('defers each of the three requires', () => {
    const code = rewrite(coreModule(READS))
    for (const id of [11, 12, 13]) {
      expect(code).toContain(`get: (_, key) => __nccwpck_require__(${id})`)
    }
    expect(code).not.toContain('= __nccwpck_require__(')
  })

  it('rejects a spread of a module', () => {
    expect(() =>
      rewrite(coreModule(`${READS}\nconst c = { ...lib_exec }`))
    ).toThrow('uses lib_exec other than to read its exports')
  })

  it('rejects a module passed on whole', () => {
    expect(() => rewrite(coreModule(`${READS}\nuse(auth)`))).toThrow(
      'uses auth other than to read its exports'
    )
  })

  it('rejects a build without @actions/core', () => {
    expect(() => rewrite('/***/ 1:\n/***/ (() => {\n/***/ })\n')).toThrow(
      'found 0 modules of @actions/core'
    )
  })

  it('rejects a core without the exec import', () => {
    const code = coreModule(READS).replace(/^.*exec\.js.*\n.*\n/m, '')
    expect(() => rewrite(code)).toThrow('expected one require of each')
  })
})
