import { Readable } from 'node:stream'

import { describe, expect, it } from '@jest/globals'

import { readChunks } from '../../../src/storage/file-chunks.js'

/** A file whose stream delivers its bytes in pieces of `piece` bytes. */
function fileOf(bytes: Buffer, piece: number) {
  const pieces: Buffer[] = []
  for (let at = 0; at < bytes.length; at += piece) {
    pieces.push(bytes.subarray(at, at + piece))
  }
  return {
    relativePath: 'f',
    size: bytes.length,
    open: () => Readable.from(pieces)
  }
}

async function chunksOf(bytes: Buffer, piece: number, size: number) {
  const chunks = []
  for await (const chunk of readChunks(fileOf(bytes, piece), size)) {
    chunks.push(chunk)
  }
  return chunks
}

describe('readChunks', () => {
  const bytes = Buffer.from(Array.from({ length: 25 }, (_, i) => i))

  it.each([
    [1, 10],
    [7, 10],
    [25, 10],
    [10, 10]
  ])('splits pieces of %i into chunks of %i', async (piece, size) => {
    const chunks = await chunksOf(bytes, piece, size)

    expect(chunks.map(chunk => chunk.bytes.length)).toEqual([10, 10, 5])
    expect(chunks.map(chunk => chunk.offset)).toEqual([0, 10, 20])
    expect(Buffer.concat(chunks.map(chunk => chunk.bytes))).toEqual(bytes)
  })

  it('yields nothing for an empty file', async () => {
    expect(await chunksOf(Buffer.alloc(0), 1, 10)).toEqual([])
  })

  it('ends on a full last chunk', async () => {
    const chunks = await chunksOf(bytes.subarray(0, 20), 3, 10)

    expect(chunks.map(chunk => chunk.bytes.length)).toEqual([10, 10])
  })
})
