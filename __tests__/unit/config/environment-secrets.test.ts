import { describe, expect, it } from '@jest/globals'

import { loadConfig } from '../../../src/config/load-config.js'
import { secretForms } from '../../../src/config/secrets.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import type { Host } from '../../../src/host/host.js'
import { recordingLogger } from '../fixtures/logger.js'
import { thrownBy } from '../fixtures/thrown.js'

const ENV = {
  AWS_ACCESS_KEY_ID: 'ASIAUNITEXAMPLE00001',
  AWS_SECRET_ACCESS_KEY: 'unit/Secret+Key=EXAMPLE',
  AWS_SESSION_TOKEN: 'unit+session/token==',
  HOKUSAI_API_KEY: 'hk_test_unit/key+1'
}

/** Creates a host with an invalid input, recording what it masks. */
function failingHost(): { host: Host; masked: string[] } {
  const masked: string[] = []
  const host: Host = {
    log: recordingLogger(),
    env: ENV,
    getInput: name => (name === 'tracking-uri' ? 'not a url' : ''),
    setSecret: value => masked.push(value),
    setOutput: () => undefined,
    writeSummary: () => Promise.resolve(),
    setFailed: () => undefined
  }
  return { host, masked }
}

describe('loadConfig masking of environment credentials', () => {
  it.each(Object.entries(ENV))('masks every form of %s', (_, value) => {
    const { host, masked } = failingHost()
    expect(thrownBy(() => loadConfig(host))).toBeInstanceOf(DiagnosedError)
    for (const form of secretForms(value)) {
      expect(masked).toContain(form)
    }
  })
})
