import { describe, expect, it } from '@jest/globals'

import { diagnose } from '../../../src/diagnosis/diagnosis.js'
import {
  renderDiagnosis,
  renderSummary,
  type RunSummary
} from '../../../src/github/summary.js'

/** A summary of a run that got as far as the preflight. */
const CHECKED: RunSummary = {
  mode: 'register',
  trackingUri: 'https://mlflow.test/mlflow',
  modelName: 'fraud-model',
  outcome: 'checked',
  authMode: 'basic',
  authReason: 'auth-mode auto chose basic',
  ignored: [],
  aliases: [],
  checks: ['tracking server reachable', 'credentials accepted for reading'],
  notVerified: []
}

const REGISTERED: RunSummary = {
  ...CHECKED,
  outcome: 'registered',
  version: '3',
  modelUrl: 'https://mlflow.test/mlflow/#/models/fraud-model/versions/3',
  source: 'mlflow-artifacts:/1/abc/artifacts/model',
  modelDigest: 'ab'.repeat(32),
  aliases: ['champion', 'staging']
}

const REJECTED = diagnose(
  'AUTH_REJECTED',
  "MLflow's basic-auth app rejected the Basic credentials for user 'ci'.",
  "Check the password of 'ci'.",
  { status: 401, wwwAuthenticate: 'Basic realm="mlflow"' }
)

const linesOf = (summary: RunSummary): string[] =>
  renderSummary(summary).split('\n')

describe('renderSummary of a reused version', () => {
  const lines = linesOf({
    ...REGISTERED,
    outcome: 'reused',
    comparison: {
      alias: 'champion',
      candidate: { version: '3', runId: 'abc' },
      metrics: [],
      params: [],
      tags: [],
      gates: [],
      verdict: "Version 3 is the first with alias 'champion'."
    }
  })

  it('labels the candidate as reused', () => {
    expect(lines).toContain('|  | Version 3 (reused) |')
  })
})

describe('renderSummary of a success', () => {
  const lines = linesOf(REGISTERED)

  it('heads the summary with the mode and outcome', () => {
    expect(lines[0]).toBe('### ✅ MLflow register: registered')
  })

  it.each([
    '| Tracking server | https://mlflow.test/mlflow |',
    '| Registered model | fraud-model |',
    '| Version | [3](https://mlflow.test/mlflow/#/models/fraud-model/' +
      'versions/3) |',
    '| Source | mlflow-artifacts:/1/abc/artifacts/model |',
    `| Model digest | ${'ab'.repeat(32)} |`,
    '| Aliases | champion, staging |',
    '| Auth mode | basic |',
    '| Auth decision | auth-mode auto chose basic |',
    '| Checks passed | tracking server reachable; credentials accepted ' +
      'for reading |'
  ])('has the row %s', row => {
    expect(lines).toContain(row)
  })

  it('leaves out rows without a value', () => {
    expect(renderSummary(REGISTERED)).not.toContain('Ignored settings')
    expect(renderSummary(REGISTERED)).not.toContain('Not verified')
  })

  it('has no diagnosis', () => {
    expect(renderSummary(REGISTERED)).not.toContain('####')
  })

  it('ends with a newline', () => {
    expect(renderSummary(REGISTERED).endsWith('|\n')).toBe(true)
  })

  it('shows a version without a link as plain text', () => {
    const summary = { ...CHECKED, outcome: 'registered', version: '3' }
    expect(linesOf(summary)).toContain('| Version | 3 |')
  })

  it('marks a reused version', () => {
    expect(linesOf({ ...REGISTERED, outcome: 'reused' })[0]).toBe(
      '### ♻️ MLflow register: reused'
    )
  })
})

describe('renderSummary of a failure', () => {
  const text = renderSummary({
    ...CHECKED,
    outcome: 'failed',
    checks: [],
    diagnosis: REJECTED
  })

  it('heads the summary with a failure mark', () => {
    expect(text.split('\n')[0]).toBe('### ❌ MLflow register: failed')
  })

  it('renders the diagnosis code, title, detail and fix', () => {
    expect(text).toContain(
      '#### `AUTH_REJECTED`: The server rejected the credentials'
    )
    expect(text).toContain(REJECTED.detail)
    expect(text).toContain("**Fix:** Check the password of 'ci'.")
  })

  it('renders the evidence as a table', () => {
    expect(text).toContain('| status | 401 |')
    expect(text).toContain('| wwwAuthenticate | Basic realm="mlflow" |')
  })

  it('renders no empty table before the configuration is known', () => {
    const unknown: RunSummary = {
      mode: 'register',
      trackingUri: '',
      modelName: '',
      outcome: 'failed',
      ignored: [],
      aliases: [],
      checks: [],
      notVerified: [],
      diagnosis: REJECTED
    }
    expect(renderSummary(unknown)).not.toContain('| | |')
  })
})

describe('renderSummary cell escaping', () => {
  it('escapes pipes in values', () => {
    const lines = linesOf({ ...REGISTERED, authReason: 'a | b' })
    expect(lines).toContain('| Auth decision | a \\| b |')
  })

  it('turns newlines in values into spaces', () => {
    const lines = linesOf({ ...REGISTERED, ignored: ['token\r\nfrom env'] })
    expect(lines).toContain('| Ignored settings | token from env |')
  })

  it('escapes pipes in evidence', () => {
    const diagnosis = diagnose('NOT_MLFLOW', 'd', 'f', { body: 'a|b' })
    expect(renderDiagnosis(diagnosis)).toContain('| body | a\\|b |')
  })
})

describe('renderDiagnosis', () => {
  it('has no evidence table without evidence', () => {
    const lines = renderDiagnosis(diagnose('MLFLOW_ERROR', 'd', 'f'))
    expect(lines).not.toContain('| Evidence | |')
  })
})

describe('renderSummary of a dry run', () => {
  const DRY_RUN: RunSummary = {
    ...CHECKED,
    outcome: 'dry-run',
    plannedCalls: [
      {
        method: 'POST',
        path: '/mlflow/api/2.0/mlflow/registered-models/alias',
        body: { name: 'fraud-model', alias: 'champion', version: '3' },
        operation: 'set alias'
      }
    ]
  }
  const text = renderSummary(DRY_RUN)

  it('titles the outcome dry-run', () => {
    expect(text).toContain('MLflow register: dry-run')
  })

  it('lists each planned write', () => {
    expect(text).toContain(
      '1. set alias: `POST /mlflow/api/2.0/mlflow/registered-models/alias`'
    )
  })

  it('shows the JSON body', () => {
    expect(text).toContain(
      '   {"name":"fraud-model","alias":"champion","version":"3"}'
    )
  })

  it('says when nothing would be written', () => {
    expect(renderSummary({ ...DRY_RUN, plannedCalls: [] })).toContain(
      '#### Planned writes\n\nNone.'
    )
  })
})
