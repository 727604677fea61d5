import { describe, expect, it } from '@jest/globals'

import type { HttpClient } from '../../../src/http/transport.js'
import { checkWritePermission } from '../../../src/preflight/write-permission.js'
import { httpError } from '../fixtures/errors.js'

/** A client whose every JSON request returns `body` or throws `error`. */
function clientReturning(body: unknown, error?: Error): HttpClient {
  const json = (): Promise<unknown> =>
    error ? Promise.reject(error) : Promise.resolve(body)
  return { json } as unknown as HttpClient
}

const grant = (pattern: string, permission: string) => ({
  resource_type: 'registered_model',
  resource_pattern: pattern,
  permission
})

describe('checkWritePermission', () => {
  it.each([
    ['EDIT', true],
    ['MANAGE', true],
    ['READ', false],
    ['NO_PERMISSIONS', false]
  ])('grant %s verified: %s', async (permission, verified) => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('fraud-model', permission)]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(verified)
    expect(result.statement).toContain(permission)
  })

  it('admin is verified', async () => {
    const http = clientReturning({ is_admin: true, permissions: [] })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(true)
  })

  it('wildcard grant applies', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('*', 'EDIT')]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(true)
  })

  it('grant on another model leaves it open', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('other-model', 'MANAGE')]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(false)
    expect(result.statement).toContain('default permission')
  })

  it('server without the list leaves it open', async () => {
    const http = clientReturning(
      undefined,
      httpError(404, { 'content-type': 'text/html' }, '<html>404</html>')
    )
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(false)
    expect(result.statement).toContain('does not list permissions')
  })

  it('highest applying grant wins', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('fraud-model', 'READ'), grant('*', 'EDIT')]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(true)
    expect(result.statement).toContain('EDIT')
    expect(result.statement).toContain('all models')
  })

  it('DENY beats a higher grant', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('*', 'MANAGE'), grant('fraud-model', 'DENY')]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(false)
    expect(result.statement).toContain('DENY')
  })

  it('glob-like pattern matches only itself', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [grant('fraud-*', 'EDIT')]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(false)
    expect(result.statement).toContain('default permission')
  })

  it('workspace admin is verified', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [
        {
          resource_type: 'workspace',
          resource_pattern: '*',
          permission: 'MANAGE'
        }
      ]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(true)
    expect(result.statement).toContain('workspace admin')
  })

  it('denied model versions block writes', async () => {
    const http = clientReturning({
      is_admin: false,
      permissions: [
        grant('fraud-model', 'EDIT'),
        {
          resource_type: 'registered_model_version',
          resource_pattern: '*',
          permission: 'DENY'
        }
      ]
    })
    const result = await checkWritePermission(http, 'fraud-model')
    expect(result.verified).toBe(false)
    expect(result.statement).toContain('registered_model_version')
  })
})
