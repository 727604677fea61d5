import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import type { ReleaseComparison } from '../../src/release/release.js'
import {
  adminApi,
  pythonClientEnv,
  runAction,
  runPythonFixture,
  type ActionRun
} from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

jest.setTimeout(180_000)

interface RunSpec {
  readonly metrics: Record<string, number>
  readonly params?: Record<string, string>
  readonly columns: readonly string[]
}

interface LoggedRun {
  readonly run_id: string
  readonly model_id: string
}

async function logRuns(
  specs: readonly RunSpec[] | string
): Promise<LoggedRun[]> {
  // A string spec is passed as it is, so it can hold Python's NaN token.
  const spec = typeof specs === 'string' ? specs : JSON.stringify(specs)
  const line = await runPythonFixture(
    'log_release_runs.py',
    [uniqueModelName('release-runs'), 'model', spec],
    pythonClientEnv(testServers().plain)
  )
  return JSON.parse(line) as LoggedRun[]
}

function register(
  modelName: string,
  run: LoggedRun,
  extra: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    'tracking-uri': testServers().plain.url,
    'model-name': modelName,
    source: `runs:/${run.run_id}/model`,
    aliases: 'champion',
    ...extra
  })
}

function comparisonOf(run: ActionRun): ReleaseComparison {
  return JSON.parse(
    run.host.outputs.get('comparison') ?? 'null'
  ) as ReleaseComparison
}

async function championVersion(modelName: string): Promise<string> {
  const response = await adminApi<{ model_version: { version: string } }>(
    'plain',
    'GET',
    'registered-models/alias',
    { query: { name: modelName, alias: 'champion' } }
  )
  return response.model_version.version
}

describe('release comparison on a real server', () => {
  const modelName = uniqueModelName('release')
  let runs: LoggedRun[]
  let first: ActionRun
  let second: ActionRun
  let blocked: ActionRun

  beforeAll(async () => {
    runs = await logRuns([
      {
        metrics: { val_auc: 0.9, val_loss: 0.3, train_time: 12 },
        params: { max_depth: '4', n_estimators: '100', solver: 'lbfgs' },
        columns: ['a', 'b']
      },
      {
        metrics: { val_auc: 0.93, val_loss: 0.35 },
        params: { max_depth: '6', n_estimators: '100', lr: '0.1' },
        columns: ['a', 'b', 'c']
      },
      {
        metrics: { val_auc: 0.8, val_loss: 0.2 },
        columns: ['a', 'b', 'c']
      }
    ])
    const [run1, run2, run3] = runs as [LoggedRun, LoggedRun, LoggedRun]
    first = await register(modelName, run1, {
      'require-metric': 'val_auc >= 0.85\nval_loss <= champion'
    })
    second = await register(modelName, run2, {
      'require-metric': 'val_auc >= champion'
    })
    blocked = await register(modelName, run3, {
      'require-metric': 'val_auc >= champion\nval_loss <= champion'
    })
  })

  describe('first release', () => {
    it('registers and moves the alias', () => {
      expect(first.result.outcome).toBe('registered')
      expect(first.host.outputs.get('model-version')).toBe('1')
    })

    it('has no baseline', () => {
      const comparison = comparisonOf(first)
      expect(comparison.baseline).toBeUndefined()
      expect(comparison.verdict).toBe(
        "Version 1 is the first with alias 'champion'; 2 gates passed."
      )
    })

    it('lists the new metrics', () => {
      expect(comparisonOf(first).metrics.map(m => m.key)).toEqual([
        'train_time',
        'val_auc',
        'val_loss'
      ])
    })

    it('passes the alias gate with nothing to beat', () => {
      const [absolute, relative] = comparisonOf(first).gates
      expect(absolute).toMatchObject({ passed: true, threshold: 0.85 })
      expect(relative).toMatchObject({
        passed: true,
        reason: "alias 'champion' points to no version yet"
      })
    })
  })

  describe('second release against the first', () => {
    it('moves the alias', () => {
      expect(second.result.outcome).toBe('registered')
      expect(second.host.outputs.get('model-version')).toBe('2')
    })

    it('names both versions and their runs', () => {
      const { baseline, candidate } = comparisonOf(second)
      expect(baseline?.version).toBe('1')
      expect(baseline?.runId).toBe(runs[0]?.run_id)
      expect(candidate.version).toBe('2')
      expect(candidate.runId).toBe(runs[1]?.run_id)
    })

    it('compares metrics with direction', () => {
      expect(comparisonOf(second).metrics).toEqual([
        {
          key: 'train_time',
          baseline: 12,
          direction: 'lower',
          change: 'removed'
        },
        {
          key: 'val_auc',
          baseline: 0.9,
          candidate: 0.93,
          delta: expect.closeTo(0.03, 10),
          direction: 'higher',
          change: 'better'
        },
        {
          key: 'val_loss',
          baseline: 0.3,
          candidate: 0.35,
          delta: expect.closeTo(0.05, 10),
          direction: 'lower',
          change: 'worse'
        }
      ])
    })

    it('lists changed, added and removed params', () => {
      expect(comparisonOf(second).params).toEqual([
        { key: 'lr', candidate: '0.1', change: 'added' },
        { key: 'max_depth', baseline: '4', candidate: '6', change: 'changed' },
        { key: 'solver', baseline: 'lbfgs', change: 'removed' }
      ])
    })

    it('sees the signature change and same flavors', () => {
      const { model, candidate } = comparisonOf(second)
      expect(model?.signatureChanged).toBe(true)
      expect(model?.flavorsAdded).toEqual([])
      expect(model?.flavorsRemoved).toEqual([])
      expect(candidate.flavors).toEqual(['python_function', 'sklearn'])
    })

    it('records the CI provenance', () => {
      const { candidate } = comparisonOf(second)
      expect(candidate.repository).toBe('hokusai/mlflow-register')
      expect(candidate.commit).toMatch(/^[0-9a-f]{40}$/)
      expect(candidate.runUrl).toMatch(
        /^https:\/\/github\.com\/hokusai\/mlflow-register\/actions\/runs\//
      )
    })

    it('states one verdict line', () => {
      const verdict =
        "Version 2 replaces version 1 as 'champion'; metrics: 1 better, " +
        '1 worse, 1 removed; 3 params differ; signature changed; ' +
        '1 gate passed.'
      expect(comparisonOf(second).verdict).toBe(verdict)
      expect(second.host.logText()).toContain(verdict)
    })

    it('renders the release tables in the summary', () => {
      const summary = second.host.summary
      expect(summary).toContain("#### Release: 'champion'")
      expect(summary).toContain(
        "| Metric | Version 1 ('champion' now) | Version 2 (new) | Change |"
      )
      expect(summary).toContain('| val_auc | 0.9 | 0.93 | +0.03 ✅ better |')
      expect(summary).toContain('| val_loss | 0.3 | 0.35 | +0.05 ⚠️ worse |')
      expect(summary).toContain('| `max_depth` | 4 | 6 | changed |')
      expect(summary).toContain(
        '| `val_auc >= champion` | ✅ passed: val_auc = 0.93 holds: >= 0.9 ' +
          "(version 1, 'champion') |"
      )
    })
  })

  describe('a failed gate', () => {
    it('fails the step with its own diagnosis', () => {
      expect(blocked.result.outcome).toBe('failed')
      expect(blocked.host.outputs.get('diagnosis')).toBe('METRIC_GATE_FAILED')
    })

    it('keeps the version registered', () => {
      expect(blocked.host.outputs.get('model-version')).toBe('3')
    })

    it('leaves the alias on the old version', async () => {
      expect(await championVersion(modelName)).toBe('2')
    })

    it('names the metric and both values', () => {
      const [auc, loss] = comparisonOf(blocked).gates
      expect(auc).toMatchObject({
        passed: false,
        candidate: 0.8,
        threshold: 0.93
      })
      expect(loss).toMatchObject({ passed: true, candidate: 0.2 })
      expect(blocked.result.diagnosis?.detail).toContain(
        "'val_auc >= champion' failed (val_auc = 0.8 does not hold: >= 0.93"
      )
      expect(blocked.result.diagnosis?.detail).toContain(
        "'champion' still points to version 2"
      )
    })

    it('verdict says the alias stays', () => {
      expect(comparisonOf(blocked).verdict).toBe(
        "Version 3 would replace version 2 as 'champion'; metrics: " +
          "1 better, 1 worse; 3 params differ; gate 'val_auc >= champion' " +
          "failed, so 'champion' does not move."
      )
    })
  })
})

describe('release comparison edge cases', () => {
  it('pages many metrics into a short summary', async () => {
    const metrics = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `m${String(i).padStart(2, '0')}`,
        i
      ])
    )
    const [run1, run2] = (await logRuns([
      { metrics, columns: ['a'] },
      { metrics: { ...metrics, m00: 100 }, columns: ['a'] }
    ])) as [LoggedRun, LoggedRun]
    const modelName = uniqueModelName('many-metrics')
    await register(modelName, run1)
    const second = await register(modelName, run2)

    expect(comparisonOf(second).metrics).toHaveLength(60)
    const summary = second.host.summary
    const metricRows = summary.split('\n').filter(l => /^\| m\d\d \|/.test(l))
    expect(metricRows).toHaveLength(25)
    expect(metricRows[0]).toContain('| m00 | 0 | 100 | +100 changed |')
    expect(summary).toContain('35 more metrics are in the `comparison` output.')
  })

  it('registers a run with a NaN metric', async () => {
    const [run1] = (await logRuns(
      '[{"metrics": {"val_loss": NaN, "val_auc": 0.9}, "columns": ["a"]}]'
    )) as [LoggedRun]
    const run = await register(uniqueModelName('nan-metric'), run1, {
      'require-metric': 'val_loss <= 1'
    })

    expect(run.result.outcome).toBe('failed')
    expect(run.host.outputs.get('diagnosis')).toBe('METRIC_GATE_FAILED')
    expect(run.host.outputs.get('model-version')).toBe('1')
    expect(comparisonOf(run).gates[0]?.reason).toBe(
      'val_loss = NaN does not hold: <= 1'
    )
  })

  it('says when the old source run is deleted', async () => {
    const [run1, run2] = (await logRuns([
      { metrics: { val_auc: 0.9 }, columns: ['a'] },
      { metrics: { val_auc: 0.91 }, columns: ['a'] }
    ])) as [LoggedRun, LoggedRun]
    const modelName = uniqueModelName('deleted-run')
    await register(modelName, run1)
    await adminApi('plain', 'POST', 'runs/delete', {
      body: { run_id: run1.run_id }
    })
    const second = await register(modelName, run2, {
      'require-metric': 'val_auc >= champion'
    })

    expect(second.result.outcome).toBe('registered')
    const comparison = comparisonOf(second)
    expect(comparison.baseline?.runNote).toBe(
      `source run ${run1.run_id} is deleted`
    )
    expect(comparison.gates[0]?.passed).toBe(true)
  })

  it('re-run finds the alias on its own version', async () => {
    const [run1] = (await logRuns([
      { metrics: { val_auc: 0.9 }, columns: ['a'] }
    ])) as [LoggedRun]
    const modelName = uniqueModelName('rerun')
    const first = await register(modelName, run1)
    const env = { ...first.host.env, GITHUB_RUN_ATTEMPT: '2' }
    const again = await runAction(
      {
        'tracking-uri': testServers().plain.url,
        'model-name': modelName,
        source: `runs:/${run1.run_id}/model`,
        aliases: 'champion',
        'require-metric': 'val_auc >= champion'
      },
      env
    )

    expect(again.result.outcome).toBe('reused')
    expect(comparisonOf(again).verdict).toBe(
      "Alias 'champion' already points to version 1; 1 gate passed."
    )
  })
})
