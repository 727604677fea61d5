/**
 * A model directory with a 2 GiB file, made sparse at test time, uploads
 * through the real MLflow artifact proxy from the bundled CLI, with peak
 * memory independent of the file size. The peak is the child's VmHWM
 * from /proc, sampled while it runs, so this test needs Linux.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  mkdtempSync,
  openSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  rmSync,
  statSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { expectSecretsAbsent } from '../support/secret-scan.js'
import { inheritedEnv, NODE_24, ROOT } from '../support/spawn-node.js'
import { testServers, uniqueModelName } from '../support/servers.js'

jest.setTimeout(900_000)

const SIZE = 2 * 1024 ** 3
/** A token the plain server ignores, so the scan has a secret to find. */
const TOKEN = `large-model-token-${randomBytes(12).toString('hex')}`
/**
 * The memory goal of the upload: the CLI streams the file, never reads it
 * whole, and frees spent chunks as it goes. docs/reliability.md gives
 * the peak of the last documented run.
 */
const MAX_PEAK_BYTES = 150 * 1024 ** 2

interface Finished {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** The highest VmHWM seen, in bytes. */
  readonly peakBytes: number
}

/** Reads a process's peak resident set size from /proc, in bytes. */
function readPeak(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
    return kib === undefined ? undefined : Number(kib) * 1024
  } catch {
    return undefined
  }
}

function runCliSampled(
  args: readonly string[],
  env: Record<string, string>
): Promise<Finished> {
  const child = spawn(
    NODE_24,
    [path.join(ROOT, 'dist/cli/index.js'), ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  let peakBytes = 0
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const sampler = setInterval(() => {
    const peak = child.pid === undefined ? undefined : readPeak(child.pid)
    if (peak !== undefined) peakBytes = Math.max(peakBytes, peak)
  }, 100)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => {
      clearInterval(sampler)
      resolve({ exitCode: code ?? 1, stdout, stderr, peakBytes })
    })
  })
}

let modelDir: string
let run: Finished

beforeAll(async () => {
  modelDir = mkdtempSync(path.join(tmpdir(), 'large-model-'))
  copyFileSync(
    path.join(ROOT, 'examples/model/MLmodel'),
    path.join(modelDir, 'MLmodel')
  )
  // ftruncate makes a sparse file: 2 GiB of zeros that take no disk.
  const fd = openSync(path.join(modelDir, 'weights.bin'), 'w')
  ftruncateSync(fd, SIZE)
  closeSync(fd)
  run = await runCliSampled(
    [
      'register',
      '--tracking-uri',
      testServers().plain.url,
      '--model-name',
      uniqueModelName('large'),
      '--model-path',
      modelDir,
      '--experiment-name',
      uniqueModelName('large-uploads'),
      '--on-unavailable',
      'fail',
      '--request-timeout',
      '600',
      '--json'
    ],
    { ...inheritedEnv(), MLFLOW_TRACKING_TOKEN: TOKEN }
  )
  process.stdout.write(
    `large model: peak RSS ${(run.peakBytes / 1024 ** 2).toFixed(0)} MiB\n`
  )
})

afterAll(() => {
  rmSync(modelDir, { recursive: true, force: true })
})

describe('a 2 GiB model directory', () => {
  it('is sparse on disk', () => {
    const stat = statSync(path.join(modelDir, 'weights.bin'))
    expect(stat.size).toBe(SIZE)
  })

  it('registers with exit code 0', () => {
    expect({ code: run.exitCode, stderr: run.stderr.slice(-2000) }).toEqual({
      code: 0,
      stderr: expect.any(String) as unknown
    })
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'registered' })
  })

  it('logs the upload with its size', () => {
    expect(run.stderr).toContain('(2.0 GiB)')
    expect(run.stderr).toContain('Uploaded 2 files')
  })

  it('logs progress while one file uploads', () => {
    const progress = run.stderr
      .split('\n')
      .filter(line => line.includes('Uploading weights.bin: '))
    // One line per 256 MiB step below the full 2 GiB: 256 MiB to 1792 MiB.
    expect(progress).toHaveLength(7)
    expect(progress[0]).toContain('256.0 MiB of 2.0 GiB (12%)')
    expect(progress[6]).toContain('1.8 GiB of 2.0 GiB (87%)')
  })

  it('peaks under 150 MiB of memory', () => {
    expect(run.peakBytes).toBeGreaterThan(0)
    expect(run.peakBytes).toBeLessThan(MAX_PEAK_BYTES)
  })

  it('leaks no form of the token', () => {
    expectSecretsAbsent(
      { values: [TOKEN] },
      { stdout: run.stdout, stderr: run.stderr }
    )
  })
})
