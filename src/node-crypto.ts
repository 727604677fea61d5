/**
 * Returns Node's crypto module, which loads on the first call. Node 24
 * takes about 5 ms to load it. A CLI run calls this only when it first
 * hashes, signs or reads a key, and a registration from a runs:/ source
 * does that while its first requests are in flight.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto')
}
