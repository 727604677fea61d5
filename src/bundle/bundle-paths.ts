import path from 'node:path'

/**
 * Checks a path recorded in a bundle manifest: relative, `/`-separated,
 * normalised and free of `..`, so it cannot point outside the bundle.
 * Returns the problem, or undefined when the path is safe.
 */
export function checkRelativePath(relative: string): string | undefined {
  if (relative === '') return 'the path is empty'
  if (relative.includes('\0')) return 'the path contains a NUL character'
  if (relative.includes('\\')) return 'the path contains a backslash'
  if (relative.startsWith('/') || /^[a-z]:/i.test(relative)) {
    return 'the path is absolute'
  }
  const parts = relative.split('/')
  if (parts.some(part => part === '' || part === '.' || part === '..')) {
    return 'the path has an empty, "." or ".." segment'
  }
  return undefined
}

/**
 * Joins a checked relative path to a bundle's root and confirms that the
 * result stays inside it. Throws when it does not.
 */
export function resolveInside(root: string, relative: string): string {
  const problem = checkRelativePath(relative)
  const absolute = path.resolve(root, ...relative.split('/'))
  if (problem || !absolute.startsWith(path.resolve(root) + path.sep)) {
    throw new Error(
      `${JSON.stringify(relative)} is not a path inside the bundle` +
        (problem ? `: ${problem}` : '')
    )
  }
  return absolute
}
