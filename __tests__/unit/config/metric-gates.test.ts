import { describe, expect, it } from '@jest/globals'

import { parseMetricGates } from '../../../src/config/metric-gates.js'
import type { Setting } from '../../../src/config/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const input = (value: string): Setting => ({ value, origin: 'input' })
const parse = (value: string, aliases = ['champion']) =>
  parseMetricGates(input(value), aliases)

describe('parseMetricGates', () => {
  it.each([
    ['val_auc >= 0.91', 'val_auc', '>=', { kind: 'number', value: 0.91 }],
    [
      'val_loss<=champion',
      'val_loss',
      '<=',
      { kind: 'alias', alias: 'champion' }
    ],
    ['rmse < 1e-3', 'rmse', '<', { kind: 'number', value: 0.001 }],
    ['delta > -2', 'delta', '>', { kind: 'number', value: -2 }],
    ['epochs == 10', 'epochs', '==', { kind: 'number', value: 10 }],
    [
      'eval/top 5 acc >= .5',
      'eval/top 5 acc',
      '>=',
      { kind: 'number', value: 0.5 }
    ]
  ])('reads %j', (line, metric, operator, threshold) => {
    expect(parse(line)).toEqual([{ text: line, metric, operator, threshold }])
  })

  it('reads one gate per line and skips blank lines', () => {
    const gates = parse('\n a >= 1 \r\n\n b <= champion\n')
    expect(gates.map(gate => gate.text)).toEqual(['a >= 1', 'b <= champion'])
  })

  it('is empty when unset', () => {
    expect(parseMetricGates(undefined, [])).toEqual([])
  })

  it.each(['val_auc', 'val_auc >=', '>= 0.9', 'val_auc => 0.9'])(
    'rejects %j naming the line',
    line => {
      const error = diagnosedErrorOf(() => parse(line))
      expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
      expect(error.diagnosis.detail).toContain('input `require-metric`')
      expect(error.diagnosis.detail).toContain('line 1')
    }
  )

  it('rejects an alias other than the first', () => {
    const error = diagnosedErrorOf(() =>
      parse('val_auc >= staging', ['champion', 'staging'])
    )
    expect(error.diagnosis.detail).toContain(
      '"staging" is neither a number nor the first alias ("champion")'
    )
  })

  it('rejects an infinite threshold', () => {
    const error = diagnosedErrorOf(() => parse('val_auc >= 1e400'))
    expect(error.diagnosis.detail).toContain('"1e400" is neither a number')
  })

  it('rejects gates without aliases', () => {
    const error = diagnosedErrorOf(() => parse('val_auc >= 0.9', []))
    expect(error.diagnosis.detail).toContain('no `aliases` are set')
    expect(error.diagnosis.fix).toContain('Set `aliases`')
  })
})

describe('parseMetricGates with model-path', () => {
  it('rejects gates on an uploaded model', () => {
    const error = diagnosedErrorOf(() =>
      parseMetricGates(input('val_auc >= 0.9'), ['champion'], true)
    )
    expect(error.diagnosis.detail).toContain('has no metrics')
    expect(error.diagnosis.fix).toContain('source: runs:/<run-id>/<path>')
  })
})
