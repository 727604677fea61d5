/**
 * Runs `task` on every item with at most `limit` tasks in flight, and
 * resolves once all have settled. After a task fails, no further item
 * starts. Once the tasks in flight settle, the pool rejects with the
 * error of the first failed item in `items`, as a sequential loop would.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>
): Promise<void> {
  let next = 0
  const failures: { index: number; error: unknown }[] = []
  const worker = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      const index = next++
      try {
        await task(items[index] as T, index)
      } catch (error) {
        failures.push({ index, error })
      }
    }
  }
  const workers = Math.max(1, Math.min(limit, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  const first = failures.sort((a, b) => a.index - b.index)[0]
  if (first) throw first.error
}
