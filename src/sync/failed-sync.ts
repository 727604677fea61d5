import { readFile, rm } from 'node:fs/promises'

import { z } from 'zod'

import { writeFileAtomic } from '../bundle/atomic-write.js'
import { DIAGNOSIS_CODES, type DiagnosisCode } from '../diagnosis/codes.js'
import type { Diagnosis } from '../diagnosis/diagnosis.js'

/**
 * The diagnosis of the newest failed sync of a pending bundle. It is kept
 * in `<bundle>.failed-sync.json` beside the bundle, and not inside it,
 * because a bundle's files are fixed by its manifest's checksums.
 */
const failedSyncSchema = z.strictObject({
  code: z.enum(
    Object.keys(DIAGNOSIS_CODES) as [DiagnosisCode, ...DiagnosisCode[]]
  ),
  title: z.string(),
  failedAt: z.iso.datetime()
})

/** The newest failed sync of a pending bundle. */
export type FailedSync = z.infer<typeof failedSyncSchema>

/** Returns the path of a bundle's failed-sync record. */
export function failedSyncFile(bundlePath: string): string {
  return `${bundlePath}.failed-sync.json`
}

/**
 * Reads the newest failed sync of a pending bundle, or returns undefined
 * when no sync failed or the record is unreadable.
 */
export async function readFailedSync(
  bundlePath: string
): Promise<FailedSync | undefined> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(failedSyncFile(bundlePath), 'utf8'))
  } catch {
    return undefined
  }
  const parsed = failedSyncSchema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}

/** Records the diagnosis of a failed sync, replacing an older one. */
export async function recordFailedSync(
  bundlePath: string,
  diagnosis: Diagnosis,
  now: Date
): Promise<void> {
  const record: FailedSync = {
    code: diagnosis.code,
    title: diagnosis.title,
    failedAt: now.toISOString()
  }
  await writeFileAtomic(
    failedSyncFile(bundlePath),
    `${JSON.stringify(record, null, 2)}\n`
  )
}

/** Deletes the failed-sync record of a bundle that is gone. */
export async function removeFailedSync(bundlePath: string): Promise<void> {
  await rm(failedSyncFile(bundlePath), { force: true })
}
