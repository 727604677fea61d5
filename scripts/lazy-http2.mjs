// undici's HTTP/1.1 and HTTP/2 clients are separate modules, and undici
// loads both when it loads. The HTTP/2 client loads node:http2, which
// loads node:tls and node:http: in a fresh Node 24 process about 17 ms,
// and about 4 to 6 ms when the other two are loaded already. undici
// calls the HTTP/2 client only for a connection that uses HTTP/2: a TLS
// server picked h2 in ALPN, or h2c is configured. This rewrites each
// bundled copy of undici to load its HTTP/2 client on that first call.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const EAGER = /^const connectH2 = (__\w+_require__)\((\d+)\)$/gm
const EXPORT = /^module\.exports = connectH2$/gm
// One module of webpack's output: its id, then its function's text.
const MODULE = /^\/\*{3}\/ (\d+):\n([\s\S]*?)^\/\*{3}\/ \}\)/gm

/**
 * Rewrites the JavaScript files of one build in `directory` in place.
 * Throws unless it rewrote as many copies as the build contains, each to
 * load a module that exports the HTTP/2 client, so that an undici
 * release that loads its HTTP/2 client otherwise fails the build.
 * @param {string} directory
 */
export function loadHttp2OnDemand(directory) {
  let changed = 0
  let copies = 0
  const loaded = []
  const modules = new Map()
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.js')) continue
    const file = path.join(directory, name)
    const code = readFileSync(file, 'utf8')
    const lazy = code.replace(EAGER, (_, load, id) => {
      changed++
      loaded.push(id)
      return (
        'let http2Client\n' +
        'const connectH2 = (client, socket) =>\n' +
        `  (http2Client ??= ${load}(${id}))(client, socket)`
      )
    })
    copies += code.match(EXPORT)?.length ?? 0
    for (const [, id, body] of code.matchAll(MODULE)) modules.set(id, body)
    if (lazy !== code) writeFileSync(file, lazy)
  }
  if (copies === 0 || changed !== copies) {
    throw new Error(
      `${directory}: found ${copies} copies of undici's HTTP/2 client ` +
        `and rewrote ${changed}; read scripts/lazy-http2.mjs`
    )
  }
  const wrong = loaded.filter(id => (modules.get(id) ?? '').search(EXPORT) < 0)
  if (wrong.length > 0) {
    throw new Error(
      `${directory}: modules ${wrong.join(', ')} do not export undici's ` +
        'HTTP/2 client; read scripts/lazy-http2.mjs'
    )
  }
}
