import { describe, expect, it } from '@jest/globals'

import { diffVersions, metricDirection } from '../../../src/release/compare.js'
import { versionFacts } from './facts.js'

describe('metricDirection', () => {
  it.each([
    ['val_loss', 'lower'],
    ['rmse', 'lower'],
    ['error_rate', 'lower'],
    ['p95_latency_ms', 'lower'],
    ['val_auc', 'higher'],
    ['accuracy', 'higher'],
    ['f1_score', 'higher'],
    ['r2', 'higher'],
    ['epochs', 'unknown'],
    ['n_rows', 'unknown']
  ])('%s improves %s', (key, direction) => {
    expect(metricDirection(key)).toBe(direction)
  })
})

describe('diffVersions', () => {
  const old = versionFacts(
    '1',
    { auc: 0.8, loss: 0.5, rows: 10 },
    {
      depth: '4',
      solver: 'adam'
    }
  )
  const next = versionFacts(
    '2',
    { auc: 0.9, loss: 0.5, size: 3 },
    {
      depth: '6',
      lr: '0.1'
    }
  )

  it('judges each metric by its direction', () => {
    const changes = diffVersions(old, next).metrics
    expect(changes.map(m => [m.key, m.change])).toEqual([
      ['auc', 'better'],
      ['loss', 'same'],
      ['rows', 'removed'],
      ['size', 'added']
    ])
  })

  it('computes the delta only when both exist', () => {
    const [auc, , rows] = diffVersions(old, next).metrics
    expect(auc?.delta).toBeCloseTo(0.1, 10)
    expect(rows?.delta).toBeUndefined()
  })

  it('lists params that differ, in name order', () => {
    expect(diffVersions(old, next).params).toEqual([
      { key: 'depth', baseline: '4', candidate: '6', change: 'changed' },
      { key: 'lr', candidate: '0.1', change: 'added' },
      { key: 'solver', baseline: 'adam', change: 'removed' }
    ])
  })

  it('marks a worse metric as worse', () => {
    const worse = versionFacts('3', { auc: 0.7, loss: 0.6 })
    const changes = diffVersions(old, worse).metrics
    expect(changes.find(m => m.key === 'auc')?.change).toBe('worse')
    expect(changes.find(m => m.key === 'loss')?.change).toBe('worse')
  })

  it('leaves the signature unknown when a model is unread', () => {
    const model = { flavors: ['sklearn'], sizeBytes: 100 }
    const withModel = versionFacts('1', {}, {}, { model })
    expect(diffVersions(withModel, next).model).toEqual({
      flavorsAdded: [],
      flavorsRemoved: []
    })
  })

  it('compares flavors, signature and size', () => {
    const before = versionFacts(
      '1',
      {},
      {},
      {
        model: { flavors: ['python_function', 'sklearn'], sizeBytes: 100 }
      }
    )
    const after = versionFacts(
      '2',
      {},
      {},
      {
        model: {
          flavors: ['onnx', 'python_function'],
          signature: { inputs: '[{"name": "a"}]' },
          sizeBytes: 160
        }
      }
    )
    expect(diffVersions(before, after).model).toEqual({
      flavorsAdded: ['onnx'],
      flavorsRemoved: ['sklearn'],
      signatureChanged: true,
      sizeDelta: 60
    })
  })

  it('calls a NaN change neither better nor worse', () => {
    const nan = versionFacts('3', { auc: Number.NaN, loss: 0.5 })
    const changes = diffVersions(old, nan).metrics
    expect(changes.find(m => m.key === 'auc')?.change).toBe('changed')
  })
})
