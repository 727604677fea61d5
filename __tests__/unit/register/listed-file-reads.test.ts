import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  explainReadError,
  openListedFile,
  readSmallFile
} from '../../../src/register/listed-file-reads.js'
import type { ListedFile } from '../../../src/register/model-directory.js'
import { rejectionOf, thrownBy } from '../fixtures/thrown.js'
import { fileIdOf } from '../fixtures/file-id.js'

const LIMIT = 2 ** 16
let folder: string

beforeEach(() => {
  folder = realpathSync(mkdtempSync(path.join(tmpdir(), 'listed-reads-')))
  writeFileSync(path.join(folder, 'model.pkl'), 'weights')
})

afterEach(() => {
  rmSync(folder, { recursive: true, force: true })
})

/** Describes a file in the folder as the listing would. */
function listed(name: string, size = 7, isSymlink = false): ListedFile {
  return {
    relativePath: name,
    absolutePath: path.join(folder, name),
    size,
    isSymlink,
    fileId: fileIdOf(path.join(folder, name))
  }
}

/** Returns the detail of the diagnosis that `action` throws. */
function detailOf(action: () => unknown): string {
  return (thrownBy(action) as DiagnosedError).diagnosis.detail
}

/**
 * Lists `sub/model.pkl`, then puts a link to another folder, holding a
 * file of the same name and size, in the place of `sub`.
 */
function listThenSwapFolder(): ListedFile {
  mkdirSync(path.join(folder, 'sub'))
  writeFileSync(path.join(folder, 'sub', 'model.pkl'), 'weights')
  const file = listed('sub/model.pkl')
  mkdirSync(path.join(folder, 'elsewhere'))
  writeFileSync(path.join(folder, 'elsewhere', 'model.pkl'), 'outside')
  renameSync(path.join(folder, 'sub'), path.join(folder, 'sub-before'))
  symlinkSync('elsewhere', path.join(folder, 'sub'))
  return file
}

describe('readSmallFile', () => {
  it('reads a file of the listed size', () => {
    expect(readSmallFile(listed('model.pkl'), LIMIT)?.toString()).toBe(
      'weights'
    )
  })

  it('reads a file that grew within the limit', () => {
    writeFileSync(path.join(folder, 'model.pkl'), 'weights and more')
    const bytes = readSmallFile(listed('model.pkl'), LIMIT)
    expect(bytes?.toString()).toBe('weights and more')
  })

  it('leaves a file that grew past the limit', () => {
    writeFileSync(path.join(folder, 'model.pkl'), Buffer.alloc(LIMIT + 1))
    expect(readSmallFile(listed('model.pkl'), LIMIT)).toBeUndefined()
  })

  it('reads a file that shrank since the listing', () => {
    writeFileSync(path.join(folder, 'model.pkl'), 'w')
    expect(readSmallFile(listed('model.pkl'), LIMIT)?.toString()).toBe('w')
  })

  it('rejects a named pipe without waiting for a writer', () => {
    execFileSync('mkfifo', [path.join(folder, 'pipe')])
    expect(detailOf(() => readSmallFile(listed('pipe'), LIMIT))).toContain(
      'pipe was a regular file when the model directory was listed and ' +
        'is now a named pipe'
    )
  })

  it('rejects a socket without a raw error', async () => {
    const server = createServer().listen(path.join(folder, 'socket'))
    await once(server, 'listening')
    try {
      const detail = detailOf(() => readSmallFile(listed('socket'), LIMIT))
      expect(detail).toContain('is now a socket')
    } finally {
      server.close()
    }
  })

  it('does not follow a link put in place of a file', () => {
    writeFileSync(path.join(folder, 'secret.txt'), 'outside')
    rmSync(path.join(folder, 'model.pkl'))
    symlinkSync('secret.txt', path.join(folder, 'model.pkl'))
    expect(detailOf(() => readSmallFile(listed('model.pkl'), LIMIT))).toContain(
      'model.pkl was a regular file'
    )
  })

  it('rejects a file that is gone', () => {
    const file = listed('model.pkl')
    rmSync(path.join(folder, 'model.pkl'))
    expect(detailOf(() => readSmallFile(file, LIMIT))).toContain(
      'model.pkl was a regular file when the model directory was listed ' +
        'and is now gone'
    )
  })

  it('does not read through a folder replaced by a link', () => {
    const file = listThenSwapFolder()
    expect(detailOf(() => readSmallFile(file, LIMIT))).toContain(
      'sub/model.pkl was a regular file when the model directory was ' +
        'listed and is now another file'
    )
  })

  it('rejects a hard link put in place of a file', () => {
    const file = listed('model.pkl')
    writeFileSync(path.join(folder, 'secret.txt'), 'outside')
    rmSync(path.join(folder, 'model.pkl'))
    linkSync(path.join(folder, 'secret.txt'), path.join(folder, 'model.pkl'))
    expect(detailOf(() => readSmallFile(file, LIMIT))).toContain(
      'is now another file'
    )
  })

  it('names the target of a listed link', () => {
    execFileSync('mkfifo', [path.join(folder, 'pipe')])
    const file = { ...listed('pipe'), relativePath: 'alias.pkl' }
    const detail = detailOf(() =>
      readSmallFile({ ...file, isSymlink: true }, LIMIT)
    )
    expect(detail).toContain('The target of alias.pkl was a regular file')
  })
})

describe('openListedFile', () => {
  it('opens a regular file', async () => {
    const handle = await openListedFile(listed('model.pkl'))
    try {
      expect((await handle.readFile()).toString()).toBe('weights')
    } finally {
      await handle.close()
    }
  })

  it('rejects a named pipe without waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(folder, 'pipe')])
    const error = await rejectionOf(openListedFile(listed('pipe')))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'is now a named pipe'
    )
  })

  it('does not follow a link put in place of a file', async () => {
    writeFileSync(path.join(folder, 'secret.txt'), 'outside')
    rmSync(path.join(folder, 'model.pkl'))
    symlinkSync('secret.txt', path.join(folder, 'model.pkl'))
    const error = await rejectionOf(openListedFile(listed('model.pkl')))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'is now a symbolic link'
    )
  })
})

describe('openListedFile after a change', () => {
  it('rejects a file that is gone', async () => {
    const file = listed('model.pkl')
    rmSync(path.join(folder, 'model.pkl'))
    const error = await rejectionOf(openListedFile(file))
    expect((error as DiagnosedError).diagnosis.detail).toContain('is now gone')
  })

  it('does not read through a folder replaced by a link', async () => {
    const error = await rejectionOf(openListedFile(listThenSwapFolder()))
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'is now another file'
    )
  })
})

describe('explainReadError', () => {
  function errnoError(syscall: string, code: string): Error {
    return Object.assign(new Error(`${code}: ${syscall}`), { syscall, code })
  }

  function explained(syscall: string, code: string) {
    const error = explainReadError(
      listed('model.pkl'),
      errnoError(syscall, code)
    )
    expect(error).toBeInstanceOf(DiagnosedError)
    return (error as DiagnosedError).diagnosis
  }

  it('explains missing permissions as the model input', () => {
    const diagnosis = explained('open', 'EACCES')
    expect(diagnosis.invalidSetting).toBe('input `model-path`')
    expect(diagnosis.detail).toContain(
      'model.pkl could not be read: open failed with EACCES'
    )
  })

  // Such a failure may pass, so it is no invalid input, which would
  // also stop a deferral.
  it.each(['EIO', 'ESTALE', 'ENOTCONN'])(
    'explains %s as the file system',
    code => {
      const diagnosis = explained('read', code)
      expect(diagnosis.invalidSetting).toBeUndefined()
      expect(diagnosis.title).toBe('A model file could not be read')
      expect(diagnosis.detail).toContain(`${code}, an error of the file system`)
      expect(diagnosis.fix).toContain('mount')
    }
  )

  it('explains a limit of the machine as such', () => {
    const diagnosis = explained('open', 'EMFILE')
    expect(diagnosis.invalidSetting).toBeUndefined()
    expect(diagnosis.detail).toContain('a limit of the machine')
    expect(diagnosis.fix).toContain('ulimit -n')
  })

  it('passes an abort unchanged', () => {
    const abort = new DOMException('stopped', 'AbortError')
    expect(explainReadError(listed('model.pkl'), abort)).toBe(abort)
  })
})
