import { describe, expect, it } from '@jest/globals'

import { inputVariable } from '../../../src/cli/cli-host.js'
import { helpText } from '../../../src/cli/help.js'
import { INPUTS, type InputSpec } from '../../../src/config/inputs.js'

const FLAG_INPUTS = (INPUTS as readonly InputSpec[]).filter(
  input => input.name !== 'mode'
)

/** Returns the `--<flag>` names that a help text lists, in order. */
function listedFlags(text: string): string[] {
  return [...text.matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map(
    match => match[1] ?? ''
  )
}

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

  it('keeps lines within 80 columns', () => {
    const longest = Math.max(...text.split('\n').map(line => line.length))
    expect(longest).toBeLessThanOrEqual(80)
  })

  it('drops Markdown backticks', () => {
    expect(text).not.toContain('`')
  })
})

describe.each(['register', 'preflight', 'sync', 'verify'] as const)(
  'helpText of %s',
  command => {
    const text = helpText(command)
    const lines = text.split('\n')
    const takenInputs = FLAG_INPUTS.filter(input =>
      (input.commands as readonly string[]).includes(command)
    )
    const otherInputs = FLAG_INPUTS.filter(
      input => !takenInputs.includes(input)
    )

    it('starts with the usage line', () => {
      expect(lines[0]).toBe(`Usage: mlflow-register ${command} [options]`)
    })

    it.each(takenInputs.map(input => [input.name, input] as const))(
      'lists --%s with its variables',
      (name, input) => {
        const flagLine = lines.indexOf(`  --${name}`)
        expect(flagLine).toBeGreaterThan(0)
        const variables = [
          ...new Set([inputVariable(name), ...(input.env ?? [])])
        ]
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

    it('omits the flags of other commands', () => {
      const listed = new Set(listedFlags(text))
      const shownOthers = otherInputs.filter(input => listed.has(input.name))
      expect(shownOthers.map(input => input.name)).toEqual([])
    })

    it('shows defaults', () => {
      expect(text).toContain('Default: 60.')
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

describe('helpText of list', () => {
  const text = helpText('list')

  it('lists only the directories and --json', () => {
    expect(listedFlags(text)).toEqual([
      'bundle-dir',
      'registry-dir',
      'json',
      'help',
      'version'
    ])
  })

  it('keeps lines within 80 columns', () => {
    const longest = Math.max(...text.split('\n').map(line => line.length))
    expect(longest).toBeLessThanOrEqual(80)
  })
})

describe('helpText of show', () => {
  it('lists only the directories', () => {
    expect(listedFlags(helpText('show'))).toEqual([
      'bundle-dir',
      'registry-dir',
      'help',
      'version'
    ])
  })
})

describe('helpText of sync', () => {
  const listed = listedFlags(helpText('sync'))

  it.each(['aliases', 'model-path', 'dry-run', 'report-path'])(
    'omits --%s',
    flag => {
      expect(listed).not.toContain(flag)
    }
  )

  it.each(['model-name', 'bundle-dir', 'registry-dir', 'signing'])(
    'lists --%s',
    flag => {
      expect(listed).toContain(flag)
    }
  )
})
