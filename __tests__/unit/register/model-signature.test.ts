import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { checkModelSignature } from '../../../src/register/model-signature.js'
import { rejectionOf } from '../fixtures/thrown.js'

const directories: string[] = []

afterEach(async () => {
  for (const directory of directories.splice(0)) {
    await rm(directory, { recursive: true, force: true })
  }
})

async function modelWith(mlmodel: string): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'signature-'))
  directories.push(directory)
  await writeFile(path.join(directory, 'MLmodel'), mlmodel)
  return directory
}

async function detailOf(mlmodel: string): Promise<string> {
  const error = await rejectionOf(
    checkModelSignature(await modelWith(mlmodel), 'main.ml.fraud')
  )
  if (!(error instanceof DiagnosedError)) throw error
  expect(error.diagnosis.code).toBe('MODEL_SIGNATURE_MISSING')
  return error.diagnosis.detail
}

describe('checkModelSignature', () => {
  it('accepts inputs and outputs', async () => {
    const directory = await modelWith(
      "signature:\n  inputs: '[]'\n  outputs: '[]'\n"
    )

    await expect(
      checkModelSignature(directory, 'main.ml.fraud')
    ).resolves.toBeUndefined()
  })

  it('rejects a model without a signature', async () => {
    expect(await detailOf('flavors: {}\n')).toContain('has no signature')
  })

  it('rejects a signature without outputs', async () => {
    const detail = await detailOf(
      "signature:\n  inputs: '[]'\n  outputs: null\n"
    )

    expect(detail).toContain('no outputs')
  })

  it('rejects a signature without inputs', async () => {
    expect(await detailOf("signature:\n  outputs: '[]'\n")).toContain(
      'no inputs'
    )
  })

  it('rejects an MLmodel that is not YAML', async () => {
    expect(await detailOf('signature: [unclosed\n')).toContain('YAML')
  })
})
