import { describe, expect, it } from '@jest/globals'

import type { MetricGate } from '../../../src/config/metric-gates.js'
import { evaluateGates, type GateBaseline } from '../../../src/release/gates.js'
import { versionFacts } from './facts.js'

const atLeast = (metric: string, value: number): MetricGate => ({
  text: `${metric} >= ${value}`,
  metric,
  operator: '>=',
  threshold: { kind: 'number', value }
})
const vsChampion = (metric: string, operator: '<=' | '>='): MetricGate => ({
  text: `${metric} ${operator} champion`,
  metric,
  operator,
  threshold: { kind: 'alias', alias: 'champion' }
})

const candidate = versionFacts('2', { auc: 0.9, loss: 0.3 })
const champion: GateBaseline = {
  alias: 'champion',
  facts: versionFacts('1', { auc: 0.85, loss: 0.2 }),
  isCandidate: false
}
const noChampion: GateBaseline = { alias: 'champion', isCandidate: false }

describe('evaluateGates', () => {
  it.each([
    [atLeast('auc', 0.9), true, 'auc = 0.9 holds: >= 0.9'],
    [atLeast('auc', 0.95), false, 'auc = 0.9 does not hold: >= 0.95'],
    [
      vsChampion('auc', '>='),
      true,
      "auc = 0.9 holds: >= 0.85 (version 1, 'champion')"
    ],
    [
      vsChampion('loss', '<='),
      false,
      "loss = 0.3 does not hold: <= 0.2 (version 1, 'champion')"
    ]
  ])('%j against version 1', (gate, passed, reason) => {
    const [result] = evaluateGates([gate], candidate, champion)
    expect(result?.passed).toBe(passed)
    expect(result?.reason).toBe(reason)
  })

  it('passes alias gates on a first release', () => {
    const [result] = evaluateGates(
      [vsChampion('auc', '>=')],
      candidate,
      noChampion
    )
    expect(result?.passed).toBe(true)
    expect(result?.reason).toBe("alias 'champion' points to no version yet")
  })

  it('still checks numbers on a first release', () => {
    const [result] = evaluateGates(
      [atLeast('auc', 0.95)],
      candidate,
      noChampion
    )
    expect(result?.passed).toBe(false)
  })

  it('passes alias gates when the alias is on this version', () => {
    const baseline = { ...champion, facts: candidate, isCandidate: true }
    const [result] = evaluateGates(
      [vsChampion('loss', '<=')],
      candidate,
      baseline
    )
    expect(result?.passed).toBe(true)
    expect(result?.reason).toBe(
      "alias 'champion' already points to this version"
    )
  })

  it('fails when the new run lacks the metric', () => {
    const [result] = evaluateGates([atLeast('f1', 0.5)], candidate, champion)
    expect(result?.passed).toBe(false)
    expect(result?.reason).toBe(
      "the new version's source run has no metric 'f1'"
    )
  })

  it('fails when the new run is unreadable', () => {
    const unreadable = versionFacts('2')
    const [result] = evaluateGates([atLeast('auc', 0.5)], unreadable, champion)
    expect(result?.passed).toBe(false)
    expect(result?.reason).toContain('HTTP 403')
  })

  it('fails when the old version lacks the metric', () => {
    const old = { ...champion, facts: versionFacts('1', { loss: 0.2 }) }
    const [result] = evaluateGates([vsChampion('auc', '>=')], candidate, old)
    expect(result?.passed).toBe(false)
    expect(result?.reason).toBe("version 1 ('champion') has no metric 'auc'")
  })
})
