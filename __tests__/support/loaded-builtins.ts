import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** Records which of Node's own modules a child process loaded. */
export interface BuiltinsRecorder {
  /** A temporary directory, which `remove` deletes with the record. */
  readonly directory: string
  /** `NODE_OPTIONS` that make the child write its list as it exits. */
  readonly nodeOptions: string
  /** The names of the built-in modules the child loaded, once it ended. */
  read(): Promise<string[]>
  /** Deletes the recorder's files. */
  remove(): Promise<void>
}

/**
 * Creates a preload script that writes `process.moduleLoadList` when the
 * process exits, in a temporary directory of its own.
 */
export async function recordBuiltins(): Promise<BuiltinsRecorder> {
  const directory = await mkdtemp(path.join(tmpdir(), 'loaded-builtins-'))
  const preload = path.join(directory, 'record-builtins.cjs')
  const record = path.join(directory, 'builtins.json')
  await writeFile(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(` +
      `${JSON.stringify(record)}, JSON.stringify(process.moduleLoadList)))`
  )
  return {
    directory,
    nodeOptions: `--require ${preload}`,
    read: async () => {
      const loaded = JSON.parse(await readFile(record, 'utf8')) as string[]
      return loaded
        .filter(entry => entry.startsWith('NativeModule '))
        .map(entry => entry.slice('NativeModule '.length))
    },
    remove: () => rm(directory, { recursive: true, force: true })
  }
}
