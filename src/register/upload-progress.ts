import type { Logger } from '../host/host.js'
import { formatBytes } from './byte-size.js'

/**
 * Bytes between two progress lines for one file. Progress is decided by
 * bytes sent, not by time, so the same upload always logs the same lines.
 * At 256 MiB a 2 GiB file logs seven lines before it completes.
 */
export const PROGRESS_STEP_BYTES = 256 * 1024 ** 2

/**
 * Returns a callback that takes the bytes of one file sent so far and
 * logs a line each time the count passes another multiple of `stepBytes`.
 * A file no larger than one step logs nothing, so it gets no callback
 * and its upload counts no bytes. When a retry re-sends the file from
 * its start, the count falls and the lines start over.
 */
export function fileProgressLogger(
  file: { readonly relativePath: string; readonly size: number },
  log: Logger,
  stepBytes = PROGRESS_STEP_BYTES
): ((sentBytes: number) => void) | undefined {
  if (file.size <= stepBytes) return undefined
  let nextReport = stepBytes
  return sentBytes => {
    if (sentBytes < nextReport - stepBytes) nextReport = stepBytes
    if (sentBytes < nextReport || sentBytes >= file.size) return
    const percent = Math.floor((sentBytes / file.size) * 100)
    log.info(
      `Uploading ${file.relativePath}: ${formatBytes(sentBytes)} of ` +
        `${formatBytes(file.size)} (${percent}%)`
    )
    nextReport = (Math.floor(sentBytes / stepBytes) + 1) * stepBytes
  }
}
