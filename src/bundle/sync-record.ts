import { readFile } from 'node:fs/promises'

import { z } from 'zod'

import { writeFileAtomic } from './atomic-write.js'

/**
 * The sync record of a local version: the server version per tracking
 * URI. It is
 * kept in `<bundle>.synced.json` beside the bundle, and not inside it,
 * because a bundle's files are fixed by its manifest's checksums.
 */
const syncRecordSchema = z.record(
  z.string(),
  z.strictObject({ version: z.string(), syncedAt: z.iso.datetime() })
)

/** The server versions of one local version, by tracking URI. */
export type SyncRecord = z.infer<typeof syncRecordSchema>

function recordFile(bundlePath: string): string {
  return `${bundlePath}.synced.json`
}

/**
 * Reads a local version's sync record; a missing or unreadable record
 * is empty, so the version is synced again, which the idempotency key
 * makes harmless.
 */
export async function readSyncRecord(bundlePath: string): Promise<SyncRecord> {
  let text: string
  try {
    text = await readFile(recordFile(bundlePath), 'utf8')
  } catch {
    return {}
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return {}
  }
  const parsed = syncRecordSchema.safeParse(json)
  return parsed.success ? parsed.data : {}
}

/** Records that a local version is registered on a server as `version`. */
export async function recordSync(
  bundlePath: string,
  trackingUri: string,
  version: string,
  now: Date
): Promise<void> {
  const record = await readSyncRecord(bundlePath)
  record[trackingUri] = { version, syncedAt: now.toISOString() }
  await writeFileAtomic(
    recordFile(bundlePath),
    `${JSON.stringify(record, null, 2)}\n`
  )
}
