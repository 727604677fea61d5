import { readFileSync } from 'node:fs'

import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

import { INPUTS, OUTPUTS, type InputSpec } from '../../../src/config/inputs.js'

interface ActionInput {
  readonly description: string
  readonly required: boolean
  readonly default?: string
}

interface ActionYml {
  readonly inputs: Record<string, ActionInput>
  readonly outputs: Record<string, { readonly description: string }>
  readonly runs: { readonly using: string; readonly main: string }
}

// These tests fail when action.yml, which `npm run gen` writes, is out of
// date with the input and output tables.
const action = parse(
  readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')
) as ActionYml
const specs = INPUTS as readonly InputSpec[]

describe('action.yml', () => {
  it('declares the inputs of the table, in order', () => {
    expect(Object.keys(action.inputs)).toEqual(specs.map(spec => spec.name))
  })

  it('declares the outputs of the table, in order', () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map(o => o.name))
  })

  it.each(OUTPUTS.map(output => [output.name, output.description]))(
    'describes output %s as the table does',
    (name, description) => {
      expect(action.outputs[name]?.description).toBe(description)
    }
  )

  it.each(specs.map(spec => [spec.name, spec] as const))(
    'describes input %s as the table does',
    (name, spec) => {
      const declared = action.inputs[name]
      expect(declared?.description.startsWith(spec.description)).toBe(true)
      expect(declared?.required).toBe(false)
    }
  )

  it.each(
    specs.filter(spec => spec.env).map(spec => [spec.name, spec] as const)
  )('gives input %s no default, so its variable is read', (name, spec) => {
    const declared = action.inputs[name]
    expect(declared).not.toHaveProperty('default')
    expect(declared?.description).toContain(
      `Falls back to ${(spec.env ?? []).join(', ')}.`
    )
  })

  it.each(
    specs
      .filter(spec => !spec.env && spec.default !== undefined)
      .map(spec => [spec.name, spec.default ?? ''] as const)
  )('gives input %s the default %s', (name, value) => {
    expect(action.inputs[name]?.default).toBe(value)
  })

  it.each(
    specs
      .filter(spec => spec.env && spec.default !== undefined)
      .map(spec => [spec.name, spec.default ?? ''] as const)
  )('shows input %s its default %s in words', (name, value) => {
    expect(action.inputs[name]?.description).toContain(`Default: \`${value}\`.`)
  })

  it('runs dist/index.js on Node 24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
})
