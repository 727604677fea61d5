import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

import { describe, expect, it } from '@jest/globals'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { INPUTS, type InputSpec } from '../../../src/config/inputs.js'

const ROOT = new URL('../../../', import.meta.url)
const doc = readFileSync(new URL('docs/environment.md', ROOT), 'utf8')
const specs = INPUTS as readonly InputSpec[]

describe('docs/environment.md', () => {
  it('matches what npm run gen writes', () => {
    // The generator's --check mode compares every generated file.
    const check = spawnSync(
      process.execPath,
      ['scripts/generate-action-yml.mjs', '--check'],
      { cwd: ROOT, encoding: 'utf8' }
    )
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })

  it.each(specs.map(spec => [spec.name, spec] as const))(
    'documents %s with its variables',
    (name, spec) => {
      const start = doc.indexOf(`### \`${name}\`\n`)
      expect(start).toBeGreaterThan(0)
      const section = doc.slice(start, doc.indexOf('\n### ', start + 1))
      const variables =
        name === 'mode' ? [] : [inputVariable(name), ...(spec.env ?? [])]
      for (const variable of variables) {
        expect(section).toContain(`\`${variable}\``)
      }
      expect(section).toContain(
        `- Secret: ${spec.secret === true ? 'yes' : 'no'}`
      )
    }
  )

  it.each(specs.map(spec => [spec.name] as const))(
    'names each variable of %s once',
    name => {
      const start = doc.indexOf(`### \`${name}\`\n`)
      const section = doc.slice(start, doc.indexOf('\n### ', start + 1))
      const line = section
        .split('\n')
        .find(text => text.startsWith('- Read by the CLI'))
      const names = line?.match(/`[^`]+`/g) ?? []
      expect(names).toEqual([...new Set(names)])
    }
  )
})
