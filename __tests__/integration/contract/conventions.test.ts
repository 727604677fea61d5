import { request } from 'node:http'

import { describe, expect, it } from '@jest/globals'

import { uniqueModelName } from '../../support/servers.js'
import { api, call } from './client.js'
import { basicHeader, contractTargets, type ContractTarget } from './targets.js'

const targets = contractTargets()

describe('POST without Content-Type', () => {
  it.each(targets)('is 400 INVALID_PARAMETER_VALUE on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      body: Buffer.from(JSON.stringify({ name: uniqueModelName('contract') }))
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Bad Request. Content-Type header is missing.'
    })
  })

  it.each(targets)('on a version create on $name', async target => {
    const reply = await call(target, 'POST', api('model-versions/create'), {
      body: Buffer.from(JSON.stringify({ name: 'm', source: 's3://b/m' }))
    })
    expect(reply.status).toBe(400)
    // The basic-auth app reads the model name for its permission check
    // first, and a body without a JSON content type reads as empty.
    expect(reply.json).toMatchObject({
      message: target.basicAuth
        ? "Missing value for required parameter 'name'. See the API docs " +
          'for more information about request parameters.'
        : 'Bad Request. Content-Type header is missing.'
    })
  })

  it.each(targets)('rejects text/plain on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      body: JSON.stringify({ name: uniqueModelName('contract') }),
      headers: { 'content-type': 'text/plain' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: "Bad Request. Content-Type must be one of ['application/json']."
    })
  })
})

describe('request parameters', () => {
  it.each(targets)('report a missing required field on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      json: {}
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'name'. See the API docs " +
        'for more information about request parameters.'
    })
  })

  it.each(targets)('report a wrong type on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      json: { name: 5 }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message:
        "Invalid value 5 for parameter 'name' supplied:  Hint: Value was of " +
        "type 'int'. See the API docs for more information about request " +
        'parameters.'
    })
  })
})

describe('JSON layout', () => {
  it.each(targets)('indents results but not errors on $name', async target => {
    const name = uniqueModelName('contract')
    const created = await call(
      target,
      'POST',
      api('registered-models/create'),
      {
        json: { name }
      }
    )
    expect(created.text).toMatch(/^\{\n {2}"registered_model": \{\n/)
    const duplicate = await call(
      target,
      'POST',
      api('registered-models/create'),
      {
        json: { name }
      }
    )
    expect(duplicate.text).toMatch(
      /^\{"error_code": "RESOURCE_ALREADY_EXISTS", /
    )
  })
})

describe('unknown routes', () => {
  it.each(targets)('return a Flask 404 page on $name', async target => {
    const reply = await call(target, 'GET', api('no-such/endpoint'), {
      as: 'admin'
    })
    expect(reply.status).toBe(404)
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(reply.text).toContain('<title>404 Not Found</title>')
  })

  it.each(targets)('return 405 for a wrong method on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/create'), {
      as: 'admin'
    })
    expect(reply.status).toBe(405)
    // Flask builds Allow from a set, so its order changes between runs.
    const allowed = (reply.headers.get('allow') ?? '').split(', ').sort()
    expect(allowed).toEqual(['OPTIONS', 'POST'])
  })

  it.each(targets.filter(t => t.basicAuth))(
    'fail closed for a user on $name',
    async target => {
      const unknown = await call(target, 'GET', api('no-such/endpoint'))
      expect(unknown.status).toBe(403)
      expect(unknown.text).toBe('Permission denied')
      const wrongMethod = await call(
        target,
        'GET',
        api('registered-models/create')
      )
      expect(wrongMethod.status).toBe(403)
    }
  )
})

describe('ajax-api paths', () => {
  it.each(targets)('serve the same routes on $name', async target => {
    const reply = await call(
      target,
      'GET',
      '/ajax-api/2.0/mlflow/registered-models/search',
      { query: { filter: `name = '${uniqueModelName('contract-none')}'` } }
    )
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{}')
  })
})

describe('probes', () => {
  it.each(targets)('report version 3.17.2 on $name', async target => {
    const reply = await call(target, 'GET', '/version')
    expect(reply.text).toBe('3.17.2')
  })

  it.each(targets)(
    'describe the store in server-info on $name',
    async target => {
      const reply = await call(target, 'GET', '/api/3.0/mlflow/server-info')
      expect(reply.json).toMatchObject({
        store_type: 'SqlStore',
        workspaces_enabled: false
      })
    }
  )
})

/** Sends a GET with a chosen Host header, which fetch cannot set. */
function getWithHost(
  target: ContractTarget,
  path: string,
  host: string
): Promise<{ status: number; contentType: string; text: string }> {
  const url = new URL(`${target.url}${path}`)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: {
          host,
          ...(target.user ? { authorization: basicHeader(target.user) } : {})
        }
      },
      response => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            text: Buffer.concat(chunks).toString('utf8')
          })
        })
      }
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('host check', () => {
  it.each(targets)('rejects an unknown Host on $name', async target => {
    const reply = await getWithHost(
      target,
      api('registered-models/search'),
      'mlflow.example.com'
    )
    expect(reply.status).toBe(403)
    expect(reply.contentType).toBe('text/plain')
    expect(reply.text).toBe(
      'Invalid Host header - possible DNS rebinding attack detected'
    )
  })

  it.each(targets)('spares /health on $name', async target => {
    const reply = await getWithHost(target, '/health', 'mlflow.example.com')
    expect(reply.status).toBe(200)
  })

  it.each(targets)('accepts a private address on $name', async target => {
    const reply = await getWithHost(
      target,
      api('registered-models/search'),
      '10.1.2.3:5000'
    )
    expect(reply.status).toBe(200)
  })
})
