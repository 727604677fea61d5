import { describe, expect, it } from '@jest/globals'

import {
  fileProgressLogger,
  PROGRESS_STEP_BYTES
} from '../../../src/register/upload-progress.js'
import { recordingLogger } from '../fixtures/logger.js'

const MIB = 1024 ** 2
const FILE = { relativePath: 'weights.bin', size: 1000 * MIB }

/** Feeds a logger the running counts of equal chunks up to `size`. */
function sendInChunks(
  report: (sentBytes: number) => void,
  size: number,
  chunk: number
): void {
  for (let sent = chunk; sent <= size; sent += chunk) report(sent)
}

/** The callback for a file larger than one step. */
function reporter(
  file: typeof FILE,
  log: ReturnType<typeof recordingLogger>,
  stepBytes: number
): (sentBytes: number) => void {
  const report = fileProgressLogger(file, log, stepBytes)
  if (!report) throw new Error(`no progress callback for ${file.size} bytes`)
  return report
}

describe('fileProgressLogger', () => {
  it('logs once per step with bytes and percent', () => {
    const log = recordingLogger()
    sendInChunks(reporter(FILE, log, 100 * MIB), FILE.size, MIB)
    expect(log.lines).toHaveLength(9)
    expect(log.lines[0]).toBe(
      'info: Uploading weights.bin: 100.0 MiB of 1000.0 MiB (10%)'
    )
    expect(log.lines[8]).toBe(
      'info: Uploading weights.bin: 900.0 MiB of 1000.0 MiB (90%)'
    )
  })

  it('logs one line when a chunk spans steps', () => {
    const log = recordingLogger()
    const report = reporter(FILE, log, 100 * MIB)
    report(350 * MIB)
    report(399 * MIB)
    report(400 * MIB)
    expect(log.lines).toEqual([
      'info: Uploading weights.bin: 350.0 MiB of 1000.0 MiB (35%)',
      'info: Uploading weights.bin: 400.0 MiB of 1000.0 MiB (40%)'
    ])
  })

  it('starts over when a retry re-sends', () => {
    const log = recordingLogger()
    const report = reporter(FILE, log, 100 * MIB)
    sendInChunks(report, 250 * MIB, MIB)
    sendInChunks(report, 150 * MIB, MIB)
    expect(log.lines).toHaveLength(3)
    expect(log.lines[2]).toContain('100.0 MiB of 1000.0 MiB (10%)')
  })

  it('gives no callback for a file within one step', () => {
    const log = recordingLogger()
    const small = { relativePath: 'model.pkl', size: PROGRESS_STEP_BYTES }
    expect(fileProgressLogger(small, log)).toBeUndefined()
    const larger = { ...small, size: PROGRESS_STEP_BYTES + 1 }
    expect(fileProgressLogger(larger, log)).toBeInstanceOf(Function)
    expect(log.lines).toEqual([])
  })

  it('leaves the last chunk to the summary line', () => {
    const log = recordingLogger()
    reporter(FILE, log, 100 * MIB)(FILE.size)
    expect(log.lines).toEqual([])
  })
})
