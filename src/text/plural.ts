/**
 * Writes a count with its noun, such as `1 version` or `3 versions`.
 * `plural` is for nouns whose plural is not the noun with an `s`.
 */
export function countOf(
  count: number,
  noun: string,
  plural = `${noun}s`
): string {
  return `${count} ${count === 1 ? noun : plural}`
}
