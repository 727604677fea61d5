import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import { ROOT, workflowFiles } from '../../support/workflow-files.js'

// Built by scripts/install-go-tools.sh, which .ci/run calls.
const ACTIONLINT = path.join(ROOT, '.tools/bin/actionlint')

describe('workflow files', () => {
  it('include the reusable and CI workflows', () => {
    const files = workflowFiles()

    expect(files).toContain('.github/workflows/register.yml')
    expect(files).toContain('.github/workflows/ci.yml')
    expect(files.some(file => file.startsWith('examples/'))).toBe(true)
  })

  it('pass actionlint', () => {
    if (!existsSync(ACTIONLINT)) {
      throw new Error(
        `actionlint is missing at ${ACTIONLINT}: run ` +
          'bash scripts/install-go-tools.sh'
      )
    }
    // shellcheck and pyflakes are turned off so that the result does not
    // depend on which of them the machine has installed.
    const result = spawnSync(
      ACTIONLINT,
      ['-shellcheck=', '-pyflakes=', '-no-color', ...workflowFiles()],
      { cwd: ROOT, encoding: 'utf8' }
    )

    expect(result.error).toBeUndefined()
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})

describe('action.yml', () => {
  // The runner and act parse action.yml with a schema that allows no
  // expression in a description, and reject the whole file.
  it('has no expressions in its text', () => {
    const text = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')

    expect(text).not.toContain('${{')
  })
})
