/**
 * Copying a model directory into a bundle: a file that changed since it
 * was hashed fails the copy, so a bundle never contains other bytes than
 * those its digest names.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { copyModelFiles } from '../../../src/bundle/copy-files.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  readModelDirectory,
  type ModelDirectory
} from '../../../src/register/model-directory.js'
import { rejectionOf } from '../fixtures/thrown.js'

let workspace: string
let model: string
let bundle: string

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'copy-files-'))
  model = path.join(workspace, 'model')
  bundle = path.join(workspace, 'bundle')
  mkdirSync(path.join(model, 'data'), { recursive: true })
  mkdirSync(bundle)
  writeFileSync(path.join(model, 'MLmodel'), 'flavors: {}\n')
  writeFileSync(path.join(model, 'data', 'weights.bin'), 'model weights')
})

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
})

async function copyAfter(change: () => void): Promise<string> {
  const directory: ModelDirectory = await readModelDirectory(model)
  change()
  const error = await rejectionOf(copyModelFiles(directory, bundle, 'model'))
  expect(error).toBeInstanceOf(DiagnosedError)
  const { diagnosis } = error as DiagnosedError
  expect(diagnosis.code).toBe('CLIENT_CONFIG')
  return diagnosis.detail
}

describe('copyModelFiles', () => {
  it('copies every file with its hash', async () => {
    const directory = await readModelDirectory(model)
    const files = await copyModelFiles(directory, bundle, 'model')
    expect(files.map(file => file.path)).toEqual([
      'model/MLmodel',
      'model/data/weights.bin'
    ])
    const copy = path.join(bundle, 'model', 'data', 'weights.bin')
    expect(readFileSync(copy, 'utf8')).toBe('model weights')
  })

  it('rejects a file rewritten at the same size', async () => {
    const detail = await copyAfter(() => {
      writeFileSync(path.join(model, 'data', 'weights.bin'), 'other weights')
    })
    expect(detail).toContain('data/weights.bin changed while the model')
  })

  it('rejects a file that grew', async () => {
    const detail = await copyAfter(() => {
      writeFileSync(
        path.join(model, 'data', 'weights.bin'),
        'more model weights'
      )
    })
    expect(detail).toContain('data/weights.bin had 13 bytes')
  })

  it('does not follow a link put in place of a file', async () => {
    writeFileSync(path.join(workspace, 'secret.txt'), 'runner secret')
    const detail = await copyAfter(() => {
      rmSync(path.join(model, 'MLmodel'))
      symlinkSync(
        path.join(workspace, 'secret.txt'),
        path.join(model, 'MLmodel')
      )
    })
    expect(detail).toContain('MLmodel was a regular file')
    const copy = path.join(bundle, 'model', 'MLmodel')
    expect(() => readFileSync(copy, 'utf8')).toThrow()
  })

  it('does not read through a folder replaced by a link', async () => {
    const elsewhere = path.join(workspace, 'elsewhere')
    mkdirSync(elsewhere)
    writeFileSync(path.join(elsewhere, 'weights.bin'), 'model weights')
    const detail = await copyAfter(() => {
      renameSync(path.join(model, 'data'), path.join(workspace, 'before'))
      symlinkSync(elsewhere, path.join(model, 'data'))
    })
    expect(detail).toContain('data/weights.bin was a regular file')
  })

  it('rejects a file that is gone', async () => {
    const detail = await copyAfter(() => {
      rmSync(path.join(model, 'data', 'weights.bin'))
    })
    expect(detail).toContain('is now gone')
  })
})
