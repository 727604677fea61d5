import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** The storage of uploaded artifact bytes. */
export type ArtifactStorage = 'memory' | 'temp-dir'

/** One entry of an artifact listing. */
export interface ArtifactEntry {
  /** The entry's name relative to the listed directory. */
  readonly path: string
  readonly isDir: boolean
  /** Left out for an empty file, as MLflow's JSON leaves out zeros. */
  readonly fileSize?: number
}

/**
 * Artifacts stored under relative paths such as `1/<run>/artifacts/x`.
 * An index of sizes serves listings; bytes stay in memory or go to a
 * temporary directory that `close()` removes.
 */
export class ArtifactStore {
  private readonly sizes = new Map<string, number>()
  private readonly bytes = new Map<string, Buffer>()

  private constructor(private readonly directory: string | undefined) {}

  /** Opens a store, creating its temporary directory if needed. */
  static async open(storage: ArtifactStorage): Promise<ArtifactStore> {
    if (storage === 'memory') return new ArtifactStore(undefined)
    const directory = await mkdtemp(path.join(tmpdir(), 'mlflow-fake-'))
    return new ArtifactStore(directory)
  }

  /** Stores a file, replacing any earlier one at the same path. */
  async put(artifactPath: string, data: Buffer): Promise<void> {
    if (this.directory === undefined) {
      this.bytes.set(artifactPath, data)
    } else {
      const file = path.join(this.directory, artifactPath)
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, data)
    }
    this.sizes.set(artifactPath, data.length)
  }

  /** Reads a file; undefined when no file has that path. */
  async get(artifactPath: string): Promise<Buffer | undefined> {
    if (!this.sizes.has(artifactPath)) return undefined
    if (this.directory === undefined) return this.bytes.get(artifactPath)
    return readFile(path.join(this.directory, artifactPath))
  }

  /** Checks whether a path is a directory: a prefix of a stored file. */
  isDirectory(artifactPath: string): boolean {
    const prefix = artifactPath === '' ? '' : `${artifactPath}/`
    return [...this.sizes.keys()].some(key => key.startsWith(prefix))
  }

  /** Lists the files and directories directly below a directory. */
  list(directory: string): ArtifactEntry[] {
    const prefix = directory === '' ? '' : `${directory.replace(/\/+$/, '')}/`
    const entries = new Map<string, ArtifactEntry>()
    for (const [key, size] of this.sizes) {
      if (!key.startsWith(prefix)) continue
      const [name, ...rest] = key.slice(prefix.length).split('/')
      if (name === undefined || name === '') continue
      entries.set(
        name,
        rest.length > 0
          ? { path: name, isDir: true }
          : {
              path: name,
              isDir: false,
              ...(size > 0 ? { fileSize: size } : {})
            }
      )
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
  }

  /** Deletes a file or a whole directory. */
  async delete(artifactPath: string): Promise<void> {
    for (const key of [...this.sizes.keys()]) {
      if (key === artifactPath || key.startsWith(`${artifactPath}/`)) {
        this.sizes.delete(key)
        this.bytes.delete(key)
      }
    }
    if (this.directory !== undefined) {
      await rm(path.join(this.directory, artifactPath), {
        recursive: true,
        force: true
      })
    }
  }

  /** Forgets every artifact. */
  async clear(): Promise<void> {
    await this.delete('')
    this.sizes.clear()
    this.bytes.clear()
  }

  /** Removes the temporary directory, if the store has one. */
  async close(): Promise<void> {
    this.sizes.clear()
    this.bytes.clear()
    if (this.directory !== undefined) {
      await rm(this.directory, { recursive: true, force: true })
    }
  }
}
