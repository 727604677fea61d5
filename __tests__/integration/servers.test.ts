import { describe, expect, it } from '@jest/globals'

import { testServers } from '../support/servers.js'

describe('test MLflow servers', () => {
  it.each(['plain', 'basicAuth'] as const)(
    '%s server is healthy',
    async name => {
      const response = await fetch(`${testServers()[name].url}/health`)
      expect(response.status).toBe(200)
    }
  )
})
