import { describe, expect, it } from '@jest/globals'

import { describeStorageKind } from '../../../src/storage/upload-to-storage.js'

describe('describeStorageKind', () => {
  it.each([
    [{ storage_mode: 'DEFAULT_STORAGE' }, 'presigned URLs'],
    [{ azure_user_delegation_sas: { sas_token: 'sv=1' } }, 'Azure Data Lake'],
    [{ gcp_oauth_token: { oauth_token: 'ya29' } }, 'Google Cloud Storage'],
    [{ r2_temp_credentials: {} }, 'Cloudflare R2'],
    [
      {
        aws_temp_credentials: {
          access_key_id: 'ASIA',
          secret_access_key: 'secret'
        }
      },
      'Amazon S3'
    ],
    [{}, 'did not name']
  ])('names %j', (credentials, expected) => {
    expect(describeStorageKind(credentials)).toContain(expected)
  })
})
