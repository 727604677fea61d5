import { describe, expect, it } from '@jest/globals'

import {
  azureTokenEndpoint,
  parseAzureSettings
} from '../../../src/config/azure-settings.js'
import type { InputName } from '../../../src/config/inputs.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import type { Setting } from '../../../src/config/settings.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
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

describe('oidc-exchange with the Azure preset', () => {
  const BASE: InputValues = {
    'tracking-uri': 'https://mlflow.example.com',
    'model-name': 'fraud-model',
    source: 'runs:/0123456789abcdef/model',
    'auth-mode': 'github-oidc'
  }
  const AZURE_ENV = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'app-1' }

  function parse(inputs: InputValues, env: NodeJS.ProcessEnv = AZURE_ENV) {
    return parseConfig(settingsFrom({ ...BASE, ...inputs }, env), '/work', {})
  }

  it.each(['token-exchange', 'id-token'])('rejects %s', exchange => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse({ 'oidc-exchange': exchange })
    )

    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.title).toBe('Invalid input `oidc-exchange`')
    expect(diagnosis.detail).toContain(`"${exchange}" cannot be used`)
    expect(diagnosis.detail).toContain(
      'environment variable AZURE_TENANT_ID (input `azure-tenant-id`)'
    )
    expect(diagnosis.fix).toContain('client-assertion')
  })

  it('names the tenant input when it is set', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse({ 'oidc-exchange': 'id-token', 'azure-tenant-id': TENANT }, {})
    )

    expect(diagnosis.detail).toContain('with input `azure-tenant-id`')
  })

  it('accepts client-assertion', () => {
    const config = parse({ 'oidc-exchange': 'client-assertion' })

    expect(config.auth.oidc?.exchange).toBe('client-assertion')
  })

  it('leaves an unset exchange unset', () => {
    const config = parse({ 'oidc-audience': 'api://custom' })

    expect(config.auth.oidc).toEqual({ audience: 'api://custom' })
    expect(config.origins.has('oidc-exchange')).toBe(false)
  })

  it('ignores a tenant outside github-oidc', () => {
    const config = parse({
      'auth-mode': 'bearer',
      token: 'unused-token',
      'oidc-exchange': 'id-token'
    })

    expect(config.auth.azure?.tenantId).toBe(TENANT)
  })

  it('accepts any exchange without a tenant', () => {
    const config = parse({ 'oidc-exchange': 'id-token' }, {})

    expect(config.auth.oidc?.exchange).toBe('id-token')
  })
})
