/**
 * Runs `work` in a setImmediate callback, after the current task, and
 * settles with its result. In traces of CLI registrations, the requests
 * started just before had been sent by then, so work run this way fills
 * the wait for their responses instead of delaying them.
 */
export function afterIo<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(work())
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  })
}
