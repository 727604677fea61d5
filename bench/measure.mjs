// Runs one command and measures it: wall time from spawn to exit, and the
// peak resident set size that GNU time reads from the kernel (ru_maxrss,
// the largest of the process and the children it waited for).
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'

const GNU_TIME = '/usr/bin/time'
let runs = 0

/**
 * Runs `command` with `args` under GNU time and resolves when it exits.
 * Rejects when it exits non-zero, with its output in the message.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env: Record<string, string>, tempDir: string, cwd?: string }}
 *   options
 * @returns {Promise<{ ms: number, peakRssMb: number, stdout: string,
 *   stderr: string, startedAt: bigint }>}
 */
export async function runMeasured(command, args, options) {
  const report = path.join(options.tempDir, `time-${++runs}.txt`)
  const startedAt = process.hrtime.bigint()
  const child = spawn(GNU_TIME, ['-v', '-o', report, command, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6
  const timing = readFileSync(report, 'utf8')
  rmSync(report, { force: true })
  if (code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${code}:\n` +
        `${stdout.slice(-2000)}\n${stderr.slice(-4000)}`
    )
  }
  const rssKb = /Maximum resident set size \(kbytes\): (\d+)/.exec(timing)
  return {
    ms,
    peakRssMb: rssKb ? Number(rssKb[1]) / 1024 : Number.NaN,
    stdout,
    stderr,
    startedAt
  }
}

/** Returns the median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2
}
