import { describe, expect, it } from '@jest/globals'

import {
  azureTokenEndpoint,
  parseAzureSettings
} from '../../../src/config/azure-settings.js'
import type { InputName } from '../../../src/config/inputs.js'
import type { Setting } from '../../../src/config/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

function reader(values: Partial<Record<InputName, string>>) {
  return (name: InputName): Setting | undefined => {
    const value = values[name]
    return value === undefined ? undefined : { value, origin: 'input' }
  }
}

const TENANT = '8a1e2f3c-0000-4000-8000-000000000001'

describe('parseAzureSettings', () => {
  it('is empty without a tenant', () => {
    expect(parseAzureSettings(reader({ 'azure-client-id': 'app' }))).toEqual({})
  })

  it('builds the public cloud token endpoint', () => {
    const { azure } = parseAzureSettings(
      reader({ 'azure-tenant-id': TENANT, 'azure-client-id': 'app-1' })
    )
    if (azure === undefined) throw new Error('no Azure settings')

    expect(azure.clientId).toBe('app-1')
    expect(azureTokenEndpoint(azure).href).toBe(
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`
    )
  })

  it('takes a loopback authority for tests', () => {
    const { azure } = parseAzureSettings(
      reader({
        'azure-tenant-id': TENANT,
        'azure-authority-host': 'http://127.0.0.1:9999/'
      })
    )
    if (azure === undefined) throw new Error('no Azure settings')

    expect(azureTokenEndpoint(azure).href).toBe(
      `http://127.0.0.1:9999/${TENANT}/oauth2/v2.0/token`
    )
  })

  it('rejects a plain http authority', () => {
    const error = diagnosedErrorOf(() =>
      parseAzureSettings(
        reader({
          'azure-tenant-id': TENANT,
          'azure-authority-host': 'http://login.example.com'
        })
      )
    )

    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.diagnosis.detail).toContain('azure-authority-host')
  })

  it('rejects a tenant with a slash', () => {
    const error = diagnosedErrorOf(() =>
      parseAzureSettings(reader({ 'azure-tenant-id': 'a/b' }))
    )

    expect(error.diagnosis.detail).toContain('not a tenant ID')
  })
})
