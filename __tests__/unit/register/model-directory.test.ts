import { createHash } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  KEPT_BYTES_LIMIT,
  completeDirectory,
  hashLargeFile,
  listModelDirectory,
  readModelDirectory,
  type ListedFile
} from '../../../src/register/model-directory.js'
import { rejectionOf } from '../fixtures/thrown.js'
import { fileIdOf } from '../fixtures/file-id.js'

let sandbox: string
let model: string

/** Writes a file below the model directory, creating its folders. */
function write(relative: string, content: string): void {
  const file = path.join(model, relative)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
}

beforeEach(() => {
  sandbox = realpathSync(mkdtempSync(path.join(tmpdir(), 'model-dir-')))
  model = path.join(sandbox, 'model')
  write('MLmodel', 'flavors: {}\n')
  write('model.pkl', 'weights')
  write('data/nested/params.json', '{"a": 1}')
})

afterEach(() => {
  rmSync(sandbox, { recursive: true, force: true })
})

describe('readModelDirectory listing', () => {
  it('lists files with posix paths relative to the model', async () => {
    const directory = await readModelDirectory(model)
    expect(directory.files.map(file => file.relativePath)).toEqual([
      'MLmodel',
      'data/nested/params.json',
      'model.pkl'
    ])
  })

  it('records each file size and the total', async () => {
    const directory = await readModelDirectory(model)
    const sizes = directory.files.map(file => file.size)
    expect(sizes).toEqual([12, 8, 7])
    expect(directory.totalBytes).toBe(27)
  })

  it('gives absolute paths to read from', async () => {
    const directory = await readModelDirectory(model)
    expect(directory.files[1]?.absolutePath).toBe(
      path.join(model, 'data', 'nested', 'params.json')
    )
    expect(directory.root).toBe(model)
  })

  it('skips empty directories', async () => {
    mkdirSync(path.join(model, 'empty'))
    const directory = await readModelDirectory(model)
    expect(directory.files).toHaveLength(3)
  })
})

describe('readModelDirectory digest', () => {
  it('is stable for the same contents', async () => {
    const first = await readModelDirectory(model)
    const second = await readModelDirectory(model)
    expect(second.contentDigest).toBe(first.contentDigest)
    expect(first.contentDigest).toMatch(/^[0-9a-f]{64}$/)
  })

  it('changes when one byte changes', async () => {
    const before = (await readModelDirectory(model)).contentDigest
    write('model.pkl', 'weighty')
    const after = (await readModelDirectory(model)).contentDigest
    expect(after).not.toBe(before)
  })

  it('changes when a file is renamed', async () => {
    const before = (await readModelDirectory(model)).contentDigest
    renameSync(path.join(model, 'model.pkl'), path.join(model, 'model.bin'))
    const after = (await readModelDirectory(model)).contentDigest
    expect(after).not.toBe(before)
  })

  it('does not depend on where the directory is', async () => {
    const before = (await readModelDirectory(model)).contentDigest
    const moved = path.join(sandbox, 'moved')
    renameSync(model, moved)
    expect((await readModelDirectory(moved)).contentDigest).toBe(before)
  })
})

describe('readModelDirectory symbolic links', () => {
  it('follows a link to a file inside the model', async () => {
    symlinkSync('model.pkl', path.join(model, 'alias.pkl'))
    const directory = await readModelDirectory(model)
    const alias = directory.files.find(f => f.relativePath === 'alias.pkl')
    expect(alias?.absolutePath).toBe(path.join(model, 'model.pkl'))
    expect(alias?.size).toBe(7)
    expect(alias?.isSymlink).toBe(true)
  })

  it('flags no plain file as a link', async () => {
    const directory = await readModelDirectory(model)
    expect(directory.files.some(file => file.isSymlink)).toBe(false)
    expect(directory.rootIsSymlink).toBe(false)
    expect(directory.modelName).toBe('model')
  })

  it('reads a model directory that is itself a link', async () => {
    const link = path.join(sandbox, 'link')
    symlinkSync(model, link)
    const directory = await readModelDirectory(link)
    expect(directory.root).toBe(model)
    expect(directory.files).toHaveLength(3)
  })

  it.each(['link', 'link/', 'link/.'])(
    'names a linked directory %s by the link',
    async given => {
      symlinkSync(model, path.join(sandbox, 'link'))
      const directory = await readModelDirectory(path.join(sandbox, given))
      expect(directory.modelName).toBe('link')
      expect(directory.rootIsSymlink).toBe(true)
    }
  )

  it('rejects a link to a file outside the model', async () => {
    writeFileSync(path.join(sandbox, 'secret.txt'), 'outside')
    symlinkSync('../secret.txt', path.join(model, 'leak.txt'))
    const error = await rejectionOf(readModelDirectory(model))
    expect(error).toBeInstanceOf(DiagnosedError)
    const { diagnosis } = error as DiagnosedError
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain(
      'leak.txt is a symbolic link to a path outside the model directory'
    )
  })

  it('rejects a link to a sibling whose name starts the same', async () => {
    mkdirSync(path.join(sandbox, 'model-other'))
    writeFileSync(path.join(sandbox, 'model-other', 'x'), 'outside')
    symlinkSync('../model-other/x', path.join(model, 'x'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.code).toBe('CLIENT_CONFIG')
  })

  it('rejects a link to a directory inside the model', async () => {
    symlinkSync('data', path.join(model, 'data-link'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'data-link is a symbolic link to a directory'
    )
  })

  it('rejects a dangling link as missing', async () => {
    symlinkSync('missing.pkl', path.join(model, 'dangling.pkl'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'dangling.pkl is a symbolic link to a path that does not exist'
    )
  })

  // A dangling link fails after one system call and a link to a
  // directory after two, so the links that fail first come later in
  // path order.
  it('reports the first bad link in path order', async () => {
    symlinkSync('data', path.join(model, 'a-link'))
    for (let i = 0; i < 8; i++) {
      symlinkSync('missing', path.join(model, `z-${i}`))
    }
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'a-link is a symbolic link to a directory'
    )
  })

  it('reports a bad link in a folder before later ones', async () => {
    symlinkSync('missing', path.join(model, 'data/nested/b-link'))
    for (let i = 0; i < 8; i++) {
      symlinkSync('missing', path.join(model, `z-${i}`))
    }
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'data/nested/b-link is a symbolic link'
    )
  })

  it('orders a folder after a sibling that extends its name', async () => {
    symlinkSync('missing', path.join(model, 'data/nested/b-link'))
    symlinkSync('data', path.join(model, 'data-link'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'data-link is a symbolic link to a directory'
    )
  })

  // The kernel resolves `x` before the `..` after it, so this link leads
  // to other/a/model/model.pkl, outside the model, though its text ends
  // in model/model.pkl.
  it('rejects a link whose .. follows a linked folder', async () => {
    mkdirSync(path.join(sandbox, 'other/a/b'), { recursive: true })
    mkdirSync(path.join(sandbox, 'other/a/model'))
    writeFileSync(path.join(sandbox, 'other/a/model/model.pkl'), 'outside')
    symlinkSync(path.join(sandbox, 'other/a/b'), path.join(sandbox, 'x'))
    symlinkSync('../x/../model/model.pkl', path.join(model, 'l.pkl'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'l.pkl is a symbolic link to a path outside the model directory'
    )
  })

  it('tells the user to copy the file instead', async () => {
    writeFileSync(path.join(sandbox, 'weights.bin'), 'outside')
    symlinkSync(path.join(sandbox, 'weights.bin'), path.join(model, 'w.bin'))
    const error = await rejectionOf(readModelDirectory(model))
    expect((error as DiagnosedError).diagnosis.fix).toMatch(/Copy the file/)
  })
})

describe('readModelDirectory kept bytes', () => {
  it('keeps no bytes by default', async () => {
    const directory = await readModelDirectory(model)
    expect(directory.files.filter(file => file.contents)).toEqual([])
  })

  it('keeps the bytes of a small file', async () => {
    const directory = await readModelDirectory(model, KEPT_BYTES_LIMIT)
    const weights = directory.files.find(f => f.relativePath === 'model.pkl')
    expect(weights?.contents?.toString()).toBe('weights')
  })

  it('keeps no bytes of a file over 64 KiB', async () => {
    writeFileSync(path.join(model, 'large.bin'), Buffer.alloc(2 ** 16 + 1))
    const directory = await readModelDirectory(model, KEPT_BYTES_LIMIT)
    const large = directory.files.find(f => f.relativePath === 'large.bin')
    expect(large?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(large?.contents).toBeUndefined()
  })

  it('keeps the files that come first in path order', async () => {
    const body = Buffer.alloc(2 ** 15)
    for (const name of ['c.bin', 'a.bin', 'b.bin']) {
      writeFileSync(path.join(model, name), body)
    }
    // Room for two of them beside the 27 bytes of the other files.
    const directory = await readModelDirectory(model, 2 ** 16 + 27)
    const keptFiles = directory.files.filter(file => file.contents)
    expect(keptFiles.map(file => file.relativePath)).toEqual([
      'MLmodel',
      'a.bin',
      'b.bin',
      'data/nested/params.json',
      'model.pkl'
    ])
  })

  it('keeps at most the limit in all', async () => {
    const body = Buffer.alloc(2 ** 16)
    for (let i = 0; i < 24; i++) {
      writeFileSync(path.join(model, `part-${i}.bin`), body)
    }
    const limit = 20 * 2 ** 16
    const directory = await readModelDirectory(model, limit)
    const keptTotal = directory.files.reduce(
      (sum, file) => sum + (file.contents?.length ?? 0),
      0
    )
    expect(keptTotal).toBeLessThanOrEqual(limit)
    expect(keptTotal).toBeGreaterThan(limit - 2 ** 16)
    expect(directory.files.filter(f => !f.contents).length).toBeGreaterThan(0)
  })
})

describe('listModelDirectory', () => {
  const large = 'x'.repeat(2 ** 16 + 1)

  beforeEach(() => {
    write('data/weights.bin', large)
  })

  it('hashes only the files up to 64 KiB', async () => {
    const listed = await listModelDirectory(model, KEPT_BYTES_LIMIT)
    const hashed = listed.files.filter(file => 'sha256' in file)
    expect(hashed.map(file => file.relativePath)).toEqual([
      'MLmodel',
      'data/nested/params.json',
      'model.pkl'
    ])
    expect(listed).not.toHaveProperty('contentDigest')
  })

  it('completes to what readModelDirectory gives', async () => {
    const listed = await listModelDirectory(model, KEPT_BYTES_LIMIT)
    const sha256 = createHash('sha256').update(large).digest('hex')
    const digests = new Map([['data/weights.bin', sha256]])
    expect(await completeDirectory(listed, digests)).toEqual(
      await readModelDirectory(model, KEPT_BYTES_LIMIT)
    )
  })

  it('will not complete without every digest', async () => {
    const listed = await listModelDirectory(model, KEPT_BYTES_LIMIT)
    await expect(completeDirectory(listed, new Map())).rejects.toThrow(
      'data/weights.bin was never hashed'
    )
  })
})

describe('hashLargeFile', () => {
  it('rejects an aborted read without an uncaught error', async () => {
    writeFileSync(path.join(model, 'model.pkl'), Buffer.alloc(2 ** 21))
    const controller = new AbortController()
    controller.abort()
    const read = hashLargeFile(
      listed('model.pkl', 2 ** 21),
      controller.signal,
      false
    )
    const error = await rejectionOf(read)
    expect((error as Error).name).toBe('AbortError')
    // An uncaught stream error would surface on a later turn.
    await new Promise(resolve => setTimeout(resolve, 50))
  })

  it('hashes a file of several parts as one', async () => {
    const bytes = Buffer.alloc(3 * 2 ** 20 + 5)
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251
    writeFileSync(path.join(model, 'model.pkl'), bytes)
    const file = await hashLargeFile(
      listed('model.pkl', bytes.length),
      new AbortController().signal,
      false
    )
    expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('hashes a grown file to its end', async () => {
    writeFileSync(path.join(model, 'model.pkl'), 'weights and more')
    const file = await hashLargeFile(
      listed('model.pkl', 7),
      new AbortController().signal,
      true
    )
    const expected = (await readModelDirectory(model)).files.find(
      f => f.relativePath === 'model.pkl'
    )
    expect(file.sha256).toBe(expected?.sha256)
  })
})

/** Describes a file below the model as the listing would. */
function listed(relativePath: string, size: number): ListedFile {
  return {
    relativePath,
    absolutePath: path.join(model, relativePath),
    size,
    isSymlink: false,
    fileId: fileIdOf(path.join(model, relativePath))
  }
}
