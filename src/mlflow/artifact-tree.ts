import type { HttpClient } from '../http/transport.js'
import { listProxyFiles } from './artifacts.js'

/** One file below a directory of the artifact proxy. */
export interface ProxyFile {
  /** The path below the listed directory, with `/`. */
  readonly name: string
  /** The size in bytes, when the listing records it. */
  readonly size?: number
}

/**
 * Lists every file below a path of the artifact proxy, descending into
 * directories. `skip` leaves out a relative path and, for a directory,
 * everything below it.
 */
export async function listProxyTree(
  http: HttpClient,
  root: string,
  skip: (name: string) => boolean = () => false
): Promise<ProxyFile[]> {
  const files: ProxyFile[] = []
  await listBelow(http, root, '', skip, files)
  return files
}

async function listBelow(
  http: HttpClient,
  root: string,
  relative: string,
  skip: (name: string) => boolean,
  files: ProxyFile[]
): Promise<void> {
  const directory = relative ? `${root}/${relative}` : root
  for (const entry of await listProxyFiles(http, directory)) {
    // MLflow 3.17 lists base names here.
    const base = entry.path.split('/').pop() ?? entry.path
    const name = relative ? `${relative}/${base}` : base
    if (skip(name)) continue
    if (entry.is_dir) await listBelow(http, root, name, skip, files)
    else files.push({ name, ...sizeOf(entry.file_size) })
  }
}

function sizeOf(size: number | string | undefined): { size?: number } {
  return size === undefined ? {} : { size: Number(size) }
}
