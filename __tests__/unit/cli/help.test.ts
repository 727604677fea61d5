import { describe, expect, it } from '@jest/globals'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { helpText } from '../../../src/cli/help.js'
import { INPUTS, type InputSpec } from '../../../src/config/inputs.js'

const FLAG_INPUTS = (INPUTS as readonly InputSpec[]).filter(
  input => input.name !== 'mode'
)

describe('helpText of the CLI', () => {
  const text = helpText()

  it.each(['register', 'preflight', 'sync'])(
    'lists the %s command',
    command => {
      expect(text).toMatch(new RegExp(`^  ${command} `, 'm'))
    }
  )

  it('lists the exit codes', () => {
    expect(text).toContain('2  the command line is invalid')
  })
})

describe.each(['register', 'preflight', 'sync'] as const)(
  'helpText of %s',
  command => {
    const text = helpText(command)
    const lines = text.split('\n')

    it('starts with the usage line', () => {
      expect(lines[0]).toBe(`Usage: mlflow-register ${command} [options]`)
    })

    it.each(FLAG_INPUTS.map(input => [input.name, input] as const))(
      'lists --%s with its variables',
      (name, input) => {
        const flagLine = lines.indexOf(`  --${name}`)
        expect(flagLine).toBeGreaterThan(0)
        const variables = [inputVariable(name), ...(input.env ?? [])]
        const start = lines.findIndex(
          (line, index) =>
            index > flagLine && line.startsWith('      Variables: ')
        )
        // A long list wraps onto indented lines of its own.
        const rest = lines.slice(start + 1)
        const end = rest.findIndex(line => !line.startsWith('      '))
        const wrapped = rest.slice(0, end < 0 ? rest.length : end)
        const variableText = [lines[start], ...wrapped]
          .map(line => line?.trim())
          .join(' ')
        expect(variableText).toBe(`Variables: ${variables.join(', ')}`)
      }
    )

    it('has no mode flag', () => {
      expect(lines).not.toContain('  --mode')
    })

    it('shows defaults', () => {
      expect(text).toContain('Default: 300.')
    })

    it('drops Markdown backticks', () => {
      expect(text).not.toContain('`')
    })

    it('keeps lines within 80 columns', () => {
      const longest = Math.max(...lines.map(line => line.length))
      expect(longest).toBeLessThanOrEqual(80)
    })
  }
)
