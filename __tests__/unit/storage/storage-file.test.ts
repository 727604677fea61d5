/**
 * The local files of an upload to Unity Catalog storage, read with the
 * same checks as an upload through the artifact proxy.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { readModelDirectory } from '../../../src/register/model-directory.js'
import {
  localStorageFiles,
  type StorageFile
} from '../../../src/storage/storage-file.js'
import { rejectionOf } from '../fixtures/thrown.js'

let directory: string
const weights = () => path.join(directory, 'weights.bin')

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'storage-file-'))
  await writeFile(path.join(directory, 'MLmodel'), 'flavors: {}\n')
  await writeFile(weights(), randomBytes(3 << 20))
  await writeFile(path.join(directory, 'other.bin'), randomBytes(3 << 20))
})

afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

async function weightsFile(): Promise<StorageFile> {
  const files = localStorageFiles(await readModelDirectory(directory))
  const file = files.find(entry => entry.relativePath === 'weights.bin')
  if (!file) throw new Error('weights.bin was not listed')
  return file
}

async function readAll(file: StorageFile): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of file.open()) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

describe('localStorageFiles', () => {
  it('reads an unchanged file whole, again on each open', async () => {
    const file = await weightsFile()
    const first = await readAll(file)
    expect(first.length).toBe(3 << 20)
    expect((await readAll(file)).equals(first)).toBe(true)
  })

  it.each([
    ['changed', () => writeFile(weights(), randomBytes(3 << 20))],
    [
      'replaced by a link',
      async () => {
        await rm(weights())
        await symlink(path.join(directory, 'other.bin'), weights())
      }
    ]
  ])('rejects a file %s since it was hashed', async (_case, change) => {
    const file = await weightsFile()
    await change()
    const failure = await rejectionOf(readAll(file))
    expect(failure).toBeInstanceOf(DiagnosedError)
    expect((failure as DiagnosedError).diagnosis.code).toBe('CLIENT_CONFIG')
  })
})
