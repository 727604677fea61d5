import { describe, expect, it } from '@jest/globals'

import { parseDatabricksHost } from '../../../src/config/databricks-host.js'
import { readDatabricksSettings } from '../../../src/config/databricks-settings.js'
import type { InputName } from '../../../src/config/inputs.js'
import type { Setting } from '../../../src/config/settings.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { thrownBy } from '../fixtures/thrown.js'

function host(value: string) {
  return parseDatabricksHost({ value, origin: 'DATABRICKS_HOST' })
}

function reader(values: Partial<Record<InputName, string>>) {
  return (name: InputName): Setting | undefined => {
    const value = values[name]
    return value === undefined ? undefined : { value, origin: 'input' }
  }
}

function diagnosisOf(action: () => unknown) {
  const error = thrownBy(action)
  if (!(error instanceof DiagnosedError)) throw error
  return error.diagnosis
}

describe('parseDatabricksHost', () => {
  it.each([
    ['dbc-1.cloud.databricks.com', 'https://dbc-1.cloud.databricks.com'],
    [
      'https://dbc-1.cloud.databricks.com/',
      'https://dbc-1.cloud.databricks.com'
    ],
    [
      'https://adb-7.azuredatabricks.net//',
      'https://adb-7.azuredatabricks.net'
    ],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080']
  ])('normalises %s', (value, expected) => {
    const parsed = host(value)

    expect(parsed.url.href.replace(/\/$/, '')).toBe(expected)
    expect(parsed.warning).toBeUndefined()
  })

  it('drops a query with a warning', () => {
    const parsed = host('https://adb-7.azuredatabricks.net/?o=7#notebook')

    expect(parsed.url.href).toBe('https://adb-7.azuredatabricks.net/')
    expect(parsed.warning).toContain('dropped the query and fragment')
  })

  it('rejects plain http to another host', () => {
    const diagnosis = diagnosisOf(() => host('http://dbc-1.example.com'))

    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain('does not use https')
  })

  it('rejects user info without showing it', () => {
    const diagnosis = diagnosisOf(() => host('https://me:pw-1@dbc-1.com'))

    expect(diagnosis.detail).toContain('contains user info')
    expect(diagnosis.detail).not.toContain('pw-1')
  })
})

describe('readDatabricksSettings', () => {
  it('maps the databricks URI to the host', () => {
    const target = readDatabricksSettings(
      reader({
        'tracking-uri': 'databricks',
        'databricks-host': 'dbc-1.cloud.databricks.com',
        'databricks-token': 'dapi-token-for-tests'
      })
    )

    expect(target?.tracking.url.href).toBe(
      'https://dbc-1.cloud.databricks.com/'
    )
    expect(target?.auth.databricks?.token).toBe('dapi-token-for-tests')
  })

  it('ignores other tracking URIs', () => {
    const target = readDatabricksSettings(
      reader({
        'tracking-uri': 'https://mlflow.example.com',
        'databricks-host': 'dbc-1.cloud.databricks.com'
      })
    )

    expect(target).toBeUndefined()
  })

  it('requires the host', () => {
    const diagnosis = diagnosisOf(() =>
      readDatabricksSettings(reader({ 'tracking-uri': 'databricks' }))
    )

    expect(diagnosis.detail).toContain('databricks-host')
  })

  it('reads a profile URI with its host', () => {
    const target = readDatabricksSettings(
      reader({
        'tracking-uri': 'databricks://ci',
        'databricks-host': 'dbc-1.cloud.databricks.com'
      })
    )

    expect(target?.tracking.url.href).toBe(
      'https://dbc-1.cloud.databricks.com/'
    )
  })

  it('rejects a secret scope URI', () => {
    const diagnosis = diagnosisOf(() =>
      readDatabricksSettings(
        reader({
          'tracking-uri': 'databricks://scope:prefix',
          'databricks-host': 'dbc-1.cloud.databricks.com'
        })
      )
    )

    expect(diagnosis.detail).toContain('secret scope')
  })
})
