import { hostname } from 'node:os'
import { open, readFile, rm } from 'node:fs/promises'

/** A lock older than this is taken to belong to a sync that died. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000

interface LockRecord {
  readonly pid: number
  readonly host: string
  readonly time: number
}

/**
 * Takes the lock of one bundle (`<bundle>.lock` beside it, created with
 * O_EXCL), so two syncs on one directory never replay the same bundle at
 * once. Returns a release function, or undefined when another live sync
 * holds the lock. A lock left by a process that is gone, or older than
 * six hours, is broken.
 */
export async function lockBundle(
  bundlePath: string,
  now: () => number = Date.now
): Promise<(() => Promise<void>) | undefined> {
  const file = `${bundlePath}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644)
      const record: LockRecord = {
        pid: process.pid,
        host: hostname(),
        time: now()
      }
      await handle.writeFile(JSON.stringify(record))
      await handle.close()
      return () => rm(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (!(await isStale(file, now()))) return undefined
      await rm(file, { force: true })
    }
  }
  return undefined
}

async function isStale(file: string, now: number): Promise<boolean> {
  let record: Partial<LockRecord>
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<LockRecord>
  } catch {
    // A lock being written right now has no content yet.
    return false
  }
  if (typeof record.time === 'number' && now - record.time > STALE_AFTER_MS) {
    return true
  }
  if (record.host !== hostname() || typeof record.pid !== 'number') {
    return false
  }
  return !isAlive(record.pid)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
