import { describe, expect, it } from '@jest/globals'

import type { MetricChange } from '../../../src/release/compare.js'
import type { ReleaseComparison } from '../../../src/release/release.js'
import {
  MAX_TABLE_ROWS,
  renderComparison
} from '../../../src/release/render.js'

function comparison(extra: Partial<ReleaseComparison>): ReleaseComparison {
  return {
    alias: 'champion',
    candidate: { version: '2' },
    metrics: [],
    params: [],
    tags: [],
    gates: [],
    verdict: 'A verdict.',
    ...extra
  }
}

function metric(key: string, change: MetricChange['change']): MetricChange {
  return {
    key,
    baseline: 1,
    candidate: 2,
    delta: 1,
    direction: 'unknown',
    change
  }
}

describe('renderComparison', () => {
  it('shows one column for a first release', () => {
    const lines = renderComparison(
      comparison({
        candidate: { version: '1', runId: 'abc', flavors: ['sklearn'] },
        metrics: [
          { key: 'auc', candidate: 0.9, direction: 'higher', change: 'added' }
        ]
      })
    )
    expect(lines).toContain('|  | Version 1 (new) |')
    expect(lines).toContain('| Source run | `abc` |')
    expect(lines).toContain('| Metric | Version 1 (new) |')
    expect(lines).toContain('| auc | 0.9 |')
  })

  it('labels a reused version', () => {
    const lines = renderComparison(
      comparison({ candidate: { version: '4', runId: 'abc' } }),
      true
    )
    expect(lines).toContain('|  | Version 4 (reused) |')
    expect(lines.join('\n')).not.toContain('(new)')
  })

  it('caps the metric table and points to the output', () => {
    const metrics = Array.from({ length: 30 }, (_, i) =>
      metric(`m${String(i).padStart(2, '0')}`, 'same')
    )
    const lines = renderComparison(
      comparison({ baseline: { version: '1' }, metrics })
    )
    const rows = lines.filter(line => line.startsWith('| m'))
    expect(rows).toHaveLength(MAX_TABLE_ROWS)
    expect(lines).toContain('5 more metrics are in the `comparison` output.')
  })

  it('puts gated and moved metrics first', () => {
    const lines = renderComparison(
      comparison({
        baseline: { version: '1' },
        metrics: [
          metric('a', 'same'),
          metric('b', 'changed'),
          metric('c', 'same')
        ],
        gates: [
          {
            gate: 'c >= 1',
            metric: 'c',
            operator: '>=',
            passed: true,
            reason: 'c = 2 holds: >= 1'
          }
        ]
      })
    )
    const rows = lines.filter(line => /^\| [abc] \|/.test(line))
    expect(rows.map(row => row.slice(2, 3))).toEqual(['c', 'b', 'a'])
  })

  it('links commits on the server of the run URL', () => {
    const lines = renderComparison(
      comparison({
        candidate: {
          version: '2',
          repository: 'org/repo',
          commit: '0123456789abcdef',
          runUrl: 'https://ghe.example.com/org/repo/actions/runs/7'
        }
      })
    )
    expect(lines).toContain('|  | Version 2 (new) |')
    expect(lines.join('\n')).toContain(
      '[`0123456`](https://ghe.example.com/org/repo/commit/0123456789abcdef)'
    )
  })

  it('escapes pipes in cells', () => {
    const lines = renderComparison(
      comparison({
        baseline: { version: '1' },
        params: [
          { key: 'expr', baseline: 'a|b', candidate: 'c', change: 'changed' }
        ]
      })
    )
    expect(lines).toContain('| `expr` | a\\|b | c | changed |')
  })

  it('shows a note beside the source run', () => {
    const lines = renderComparison(
      comparison({
        candidate: {
          version: '2',
          runId: 'abc',
          runNote: 'source run abc is deleted'
        }
      })
    )
    expect(lines).toContain(
      '| Source run | `abc` (source run abc is deleted) |'
    )
  })

  it('ranks regressions before other changes', () => {
    const lines = renderComparison(
      comparison({
        baseline: { version: '1' },
        metrics: [
          metric('a', 'added'),
          metric('b', 'better'),
          metric('z', 'worse')
        ]
      })
    )
    const rows = lines.filter(line => /^\| [abz] \|/.test(line))
    expect(rows.map(row => row.slice(2, 3))).toEqual(['z', 'b', 'a'])
  })

  it('shows HTML in values as text', () => {
    const lines = renderComparison(
      comparison({
        baseline: { version: '1' },
        params: [{ key: 'note', baseline: '<img src=x>', change: 'removed' }]
      })
    )
    expect(lines).toContain('| `note` | &lt;img src=x&gt; |  | removed |')
  })
})
