/**
 * The longest stretch of synchronous work between two turns of the event
 * loop, so responses to requests in flight wait up to about this long.
 */
export const SLICE_MS = 4

/**
 * Lets the event loop run once every slice of about `sliceMs` of
 * synchronous work, so that timers and the responses to requests in
 * flight are still handled. One clock spans every call of {@link pause},
 * so work split into many short loops still yields.
 */
export class TimeSlicer {
  #sliceStart = performance.now()

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Yields to the event loop when the current slice has run out. */
  async pause(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.sliceMs) return
    await new Promise(resolve => setImmediate(resolve))
    this.#sliceStart = performance.now()
  }
}

/**
 * Runs `task` on every item in order, synchronously, pausing between
 * items through `slicer`. Synchronous file system calls suit many small
 * files: 2,000 files of 4 KiB were listed and hashed in about 50 ms this
 * way, against 130 to 200 ms through Node's thread pool. A task that
 * throws stops the loop with its error.
 */
export async function forEachInSlices<T>(
  items: Iterable<T>,
  task: (item: T) => void,
  slicer = new TimeSlicer()
): Promise<void> {
  for (const item of items) {
    await slicer.pause()
    task(item)
  }
}
