import { describe, expect, it } from '@jest/globals'

import {
  containerUrl,
  parseAzureLocation,
  readAzureEndpoint
} from '../../../src/storage/azure-location.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'

describe('parseAzureLocation', () => {
  it.each([
    [
      'abfss://models@acct.dfs.core.windows.net/a/b/',
      {
        container: 'models',
        account: 'acct',
        domainSuffix: 'dfs.core.windows.net',
        prefix: 'a/b'
      }
    ],
    [
      'abfss://c@gov.dfs.core.usgovcloudapi.net',
      {
        container: 'c',
        account: 'gov',
        domainSuffix: 'dfs.core.usgovcloudapi.net',
        prefix: ''
      }
    ],
    ['s3://bucket/path', undefined],
    ['abfss://acct.dfs.core.windows.net/path', undefined]
  ])('parses %s', (uri, expected) => {
    expect(parseAzureLocation(uri)).toEqual(expected)
  })
})

describe('containerUrl', () => {
  const location = {
    container: 'models',
    account: 'acct',
    domainSuffix: 'dfs.core.windows.net',
    prefix: 'p'
  }

  it('uses the Blob endpoint of the account', () => {
    expect(containerUrl({}, location).href).toBe(
      'https://acct.blob.core.windows.net/models'
    )
  })

  it('joins the container to an emulator endpoint', () => {
    const blobUrl = new URL('http://127.0.0.1:10000/devstoreaccount1/')

    expect(containerUrl({ blobUrl }, location).href).toBe(
      'http://127.0.0.1:10000/devstoreaccount1/models'
    )
  })
})

describe('readAzureEndpoint', () => {
  const read = (value: string) =>
    readAzureEndpoint({ AZURE_STORAGE_CONNECTION_STRING: value })

  it('reads BlobEndpoint', () => {
    const endpoint = read(
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
        'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;'
    )

    expect(endpoint.blobUrl?.href).toBe(
      'http://127.0.0.1:10000/devstoreaccount1'
    )
  })

  it('reads UseDevelopmentStorage', () => {
    expect(read('UseDevelopmentStorage=true').blobUrl?.port).toBe('10000')
  })

  it('keeps the cloud for an account key string', () => {
    expect(read('AccountName=acct;AccountKey=secret')).toEqual({})
  })

  it('keeps the cloud when unset', () => {
    expect(readAzureEndpoint({})).toEqual({})
  })

  it('rejects plain http off loopback', () => {
    expect(() => read('BlobEndpoint=http://storage.example.com/acct')).toThrow(
      DiagnosedError
    )
  })

  it('accepts https off loopback', () => {
    expect(
      read('BlobEndpoint=https://proxy.example.com/acct').blobUrl?.host
    ).toBe('proxy.example.com')
  })
})
