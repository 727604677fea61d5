import { describe, expect, it } from '@jest/globals'

import { loadConfig } from '../../../src/config/load-config.js'
import { isOffline } from '../../../src/config/offline-settings.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import type { Host } from '../../../src/host/host.js'
import { recordingLogger } from '../fixtures/logger.js'
import type { InputValues } from '../fixtures/settings.js'
import { thrownBy } from '../fixtures/thrown.js'

/** Creates a host that records every value it is asked to mask. */
function hostWith(inputs: InputValues, env: NodeJS.ProcessEnv = {}) {
  const masked: string[] = []
  const host: Host = {
    log: recordingLogger(),
    env,
    getInput: name => inputs[name as keyof InputValues] ?? '',
    setSecret: value => masked.push(value),
    setOutput: () => undefined,
    writeSummary: () => Promise.resolve(),
    setFailed: () => undefined
  }
  return { host, masked }
}

describe('loadConfig', () => {
  it('masks secrets even when validation then fails', () => {
    const { host, masked } = hostWith({
      'tracking-uri': 'https://ci:Pa55word@mlflow.test/?page=1',
      token: 'tok-secret'
    })
    expect(thrownBy(() => loadConfig(host))).toBeInstanceOf(DiagnosedError)
    expect(masked).toContain('Pa55word')
    expect(masked).toContain('tok-secret')
  })

  it('resolves model-path against GITHUB_WORKSPACE', () => {
    const { host } = hostWith(
      {
        'tracking-uri': 'https://mlflow.test',
        'model-name': 'fraud-model',
        'model-path': 'missing-model'
      },
      { GITHUB_WORKSPACE: '/nonexistent/workspace' }
    )
    const error = thrownBy(() => loadConfig(host)) as DiagnosedError
    expect(error.diagnosis.detail).toContain(
      '/nonexistent/workspace/missing-model'
    )
  })

  it('reads a valid configuration from inputs and variables', () => {
    const { host } = hostWith(
      { 'model-name': 'fraud-model', source: 'runs:/abc/model' },
      { MLFLOW_TRACKING_URI: 'https://mlflow.test' }
    )
    const config = loadConfig(host)
    if (isOffline(config)) throw new Error('expected a server config')
    expect(config.trackingUri.href).toBe('https://mlflow.test/')
    expect(config.origins.get('tracking-uri')).toBe('MLFLOW_TRACKING_URI')
  })
})
