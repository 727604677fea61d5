/**
 * Returns Node's crypto module, which loads on the first call. Node 24
 * takes about 5 ms to load it, so a CLI run loads it only when it first
 * needs a hash, a random value, a key or a certificate. A registration
 * from a source needs the first hash while its first requests are in
 * flight.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto')
}
