import { describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { explainArtifactRefusal } from '../../../src/register/artifact-permission.js'
import { BASIC_CREDENTIAL, httpError } from '../fixtures/errors.js'

const RUN = 'ed24b6ded38143efb113655d48a12ae0'
const UPLOAD = {
  method: 'PUT',
  url: 'https://mlflow.test/api/2.0/mlflow-artifacts/artifacts/x/MLmodel',
  operation: 'upload artifact',
  credential: BASIC_CREDENTIAL
}

function refusal(body: string, contentType: string): unknown {
  return httpError(403, { 'content-type': contentType }, body, UPLOAD)
}

function explain(error: unknown, root: string): DiagnosedError {
  const explained = explainArtifactRefusal(error, {
    experimentId: '7',
    runId: RUN,
    root
  })
  if (!(explained instanceof DiagnosedError)) {
    throw new Error('expected a DiagnosedError')
  }
  return explained
}

describe('explainArtifactRefusal', () => {
  const customRoot = `custom-location/${RUN}/artifacts`

  it('names user, run, experiment and path', () => {
    const { diagnosis } = explain(
      refusal('Permission denied', 'text/html; charset=utf-8'),
      customRoot
    )
    expect(diagnosis.code).toBe('FORBIDDEN_PERMISSION')
    expect(diagnosis.title).toBe('MLflow denied the artifact upload')
    expect(diagnosis.detail).toContain("user 'ci-bot'")
    expect(diagnosis.detail).toContain(`create run ${RUN}`)
    expect(diagnosis.detail).toContain('experiment 7')
    expect(diagnosis.detail).toContain(customRoot)
  })

  it('explains a path outside the experiment id', () => {
    const { diagnosis } = explain(
      refusal('Permission denied', 'text/plain'),
      customRoot
    )
    expect(diagnosis.detail).toContain('custom artifact location')
    expect(diagnosis.fix).toContain('mlflow-artifacts:/7')
  })

  it('explains a path under the experiment id', () => {
    const { diagnosis } = explain(
      refusal('Permission denied', 'text/plain'),
      `7/${RUN}/artifacts`
    )
    expect(diagnosis.detail).toContain('artifacts-only server')
    expect(diagnosis.detail).not.toContain('custom artifact location')
  })

  it('accepts an auth plugin JSON denial', () => {
    const { diagnosis } = explain(
      refusal('{"message": "Permission denied"}', 'application/json'),
      customRoot
    )
    expect(diagnosis.code).toBe('FORBIDDEN_PERMISSION')
    expect(diagnosis.evidence.responder).toContain('auth plugin')
  })

  it('keeps a proxy 403 as it was', () => {
    const error = refusal('<html><title>403</title></html>', 'text/html')
    expect(
      explainArtifactRefusal(error, {
        experimentId: '7',
        runId: RUN,
        root: customRoot
      })
    ).toBe(error)
  })

  it('keeps other errors as they were', () => {
    const error = new Error('disk full')
    expect(
      explainArtifactRefusal(error, { experimentId: '7', runId: RUN, root: '' })
    ).toBe(error)
  })
})
