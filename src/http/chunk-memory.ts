import { Readable } from 'node:stream'

/** Bytes streamed between two collections of the young generation. */
const COLLECT_EVERY_BYTES = 16 * 2 ** 20

type Collect = () => void

let collector: Collect | null | undefined

/**
 * Passes a file's chunks on and collects V8's young generation every
 * 16 MiB. A file stream makes a new 64 KiB buffer per chunk, and V8 frees
 * a spent buffer's memory only when it collects the young generation,
 * which grows to tens of MiB first. Measured with Node 24 on a 1 GiB and
 * a 2 GiB upload: peak RSS 146 MiB without these collections, 97 MiB with
 * them, for both sizes.
 */
export function releasingChunks(source: AsyncIterable<Buffer>): Readable {
  return Readable.from(collectWhileStreaming(source), { objectMode: false })
}

async function* collectWhileStreaming(
  source: AsyncIterable<Buffer>
): AsyncGenerator<Buffer> {
  const collect = youngCollector()
  let sinceCollect = 0
  for await (const chunk of source) {
    yield chunk
    sinceCollect += chunk.length
    if (collect && sinceCollect >= COLLECT_EVERY_BYTES) {
      sinceCollect = 0
      collect()
    }
  }
}

/**
 * Returns V8's collector for the young generation, or null where the
 * runtime refuses to expose it; streaming then works as before, with
 * more memory.
 */
function youngCollector(): Collect | null {
  if (collector !== undefined) return collector
  try {
    // node:v8 and node:vm load here, for the first file streamed in chunks
    // (to hash or upload), because loading them at start takes about 2 ms.
    const v8 = process.getBuiltinModule('node:v8')
    const vm = process.getBuiltinModule('node:vm')
    // The flag takes effect for contexts made after it is set, so the
    // collector comes from a new context and the global scope is unchanged.
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as (options: { type: string }) => void
    collector = () => {
      gc({ type: 'minor' })
    }
  } catch {
    collector = null
  }
  return collector
}
