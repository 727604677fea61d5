// undici's HTTP/1.1 and HTTP/2 clients are separate modules, and undici
// loads both when it loads. The HTTP/2 client loads node:http2, which
// loads node:tls: about 10 ms of a CLI run over plain HTTP, and about
// 4 ms over HTTPS, spent before the first request. undici calls the
// HTTP/2 client only when a TLS server picks h2 in ALPN. This rewrites
// each bundled copy of undici to load its HTTP/2 client on that first
// call instead.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const EAGER = /^const connectH2 = (__\w+_require__)\((\d+)\)$/gm
const EXPORT = /^module\.exports = connectH2$/gm

/**
 * Rewrites the JavaScript files of one build in `directory` in place.
 * Throws unless it rewrote as many copies as the build holds, so that an
 * undici release that loads its HTTP/2 client otherwise fails the build.
 * @param {string} directory
 */
export function loadHttp2OnDemand(directory) {
  let changed = 0
  let copies = 0
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.js')) continue
    const file = path.join(directory, name)
    const code = readFileSync(file, 'utf8')
    const lazy = code.replace(EAGER, (_, load, id) => {
      changed++
      return (
        'let http2Client\n' +
        'const connectH2 = (client, socket) =>\n' +
        `  (http2Client ??= ${load}(${id}))(client, socket)`
      )
    })
    copies += code.match(EXPORT)?.length ?? 0
    if (lazy !== code) writeFileSync(file, lazy)
  }
  if (copies === 0 || changed !== copies) {
    throw new Error(
      `${directory}: found ${copies} copies of undici's HTTP/2 client ` +
        `and rewrote ${changed}; read scripts/lazy-http2.mjs`
    )
  }
}
