/**
 * The failure of the item that comes first in a list worked on out of
 * order, so that the error reported is the one a loop in order would
 * meet. An item after a failed one no longer matters: it is skipped, or
 * the work on it is cancelled. Items before it still run.
 */
export class FirstFailure {
  #index = Number.POSITIVE_INFINITY
  #error: unknown
  readonly #running = new Map<number, AbortController>()

  /** Tells whether the item at `index` comes after a failed one. */
  skips(index: number): boolean {
    return index > this.#index
  }

  /**
   * Gives the signal that cancels the work on the item at `index` once an
   * earlier item fails. Call {@link untrack} when that work ends.
   */
  track(index: number): AbortSignal {
    const controller = new AbortController()
    this.#running.set(index, controller)
    return controller.signal
  }

  untrack(index: number): void {
    this.#running.delete(index)
  }

  /** Keeps the error when no earlier item has failed. */
  record(index: number, error: unknown): void {
    if (index >= this.#index) return
    this.#index = index
    this.#error = error
    for (const [running, controller] of this.#running) {
      if (running > index) controller.abort()
    }
  }

  /** Throws the error of the first failed item, if any failed. */
  throwIfAny(): void {
    if (this.#index !== Number.POSITIVE_INFINITY) throw this.#error
  }
}
