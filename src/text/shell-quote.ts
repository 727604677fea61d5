/** Characters that a POSIX shell reads as part of a plain word. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/

/**
 * Quotes a value for a POSIX shell command line, so that a path with a
 * space or a quote stays one word when the command is pasted.
 */
export function shellQuote(value: string): string {
  if (PLAIN_WORD.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
