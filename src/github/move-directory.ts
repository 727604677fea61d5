import { cp, rename, rm } from 'node:fs/promises'

/**
 * Moves a directory; across file systems, where rename fails with EXDEV,
 * it copies and then removes the source.
 */
export async function moveDirectory(from: string, to: string): Promise<void> {
  try {
    await rename(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
    await cp(from, to, { recursive: true, verbatimSymlinks: true })
    await rm(from, { recursive: true, force: true })
  }
}
