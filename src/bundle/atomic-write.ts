import { rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { nodeCrypto } from '../node-crypto.js'

/**
 * Writes a file under a temporary name in the same directory, then
 * renames it into place, so a reader sees the old content or the whole
 * new content, never a partial file. `wx` refuses to follow a link
 * planted at the temporary name.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Buffer
): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`
  )
  try {
    await writeFile(temporary, data, { flag: 'wx', mode: 0o644 })
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
