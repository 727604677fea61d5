import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'

import { describe, expect, it } from '@jest/globals'

import { releasingChunks } from '../../../src/http/chunk-memory.js'

function chunksOf(data: Buffer, size: number): Readable {
  const chunks: Buffer[] = []
  for (let start = 0; start < data.length; start += size) {
    chunks.push(data.subarray(start, start + size))
  }
  return Readable.from(chunks)
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

describe('releasingChunks', () => {
  it('passes every byte on in order', async () => {
    // 40 MiB crosses the collection point twice.
    const data = randomBytes(40 * 2 ** 20)
    const received: Buffer[] = []
    for await (const chunk of releasingChunks(chunksOf(data, 65_536))) {
      received.push(chunk as Buffer)
    }
    const joined = Buffer.concat(received)
    expect(joined.length).toBe(data.length)
    expect(sha256(joined)).toBe(sha256(data))
  })

  it('ends at once for an empty source', async () => {
    const received: Buffer[] = []
    for await (const chunk of releasingChunks(chunksOf(Buffer.alloc(0), 1))) {
      received.push(chunk as Buffer)
    }
    expect(received).toEqual([])
  })

  it('passes a source failure on', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('first'))
        this.destroy(new Error('disk read failed'))
      }
    })
    const read = async () => {
      const received: Buffer[] = []
      for await (const chunk of releasingChunks(failing)) {
        received.push(chunk as Buffer)
      }
      return received
    }
    await expect(read()).rejects.toThrow('disk read failed')
  })
})
