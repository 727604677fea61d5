import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from '@jest/globals'

import { lockBundle } from '../../../src/sync/bundle-lock.js'

const root = mkdtempSync(path.join(tmpdir(), 'bundle-lock-'))

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('lockBundle', () => {
  it('gives the lock to one holder at a time', async () => {
    const bundle = path.join(root, 'a')
    const release = await lockBundle(bundle)
    expect(release).toBeDefined()
    expect(await lockBundle(bundle)).toBeUndefined()
    await release?.()
    const again = await lockBundle(bundle)
    expect(again).toBeDefined()
    await again?.()
  })

  it('breaks the lock of a process that is gone', async () => {
    const bundle = path.join(root, 'b')
    // Linux PIDs stay below 2^22 (PID_MAX_LIMIT on 64-bit), so no process
    // has this one.
    writeFileSync(
      `${bundle}.lock`,
      JSON.stringify({ pid: 4_194_304, host: hostname(), time: Date.now() })
    )
    const release = await lockBundle(bundle)
    expect(release).toBeDefined()
    await release?.()
  })

  it('breaks a lock older than six hours', async () => {
    const bundle = path.join(root, 'c')
    writeFileSync(
      `${bundle}.lock`,
      JSON.stringify({ pid: process.pid, host: 'other-host', time: 0 })
    )
    expect(await lockBundle(bundle)).toBeDefined()
  })

  it('keeps a fresh lock of another host', async () => {
    const bundle = path.join(root, 'd')
    writeFileSync(
      `${bundle}.lock`,
      JSON.stringify({ pid: 1, host: 'other-host', time: Date.now() })
    )
    expect(await lockBundle(bundle)).toBeUndefined()
  })
})
