// @actions/core 3.0.1 imports @actions/http-client when it loads, for
// core.getIDToken (lib/oidc-utils.js), and @actions/exec, for
// core.platform (lib/platform.js). http-client loads node:https, tunnel
// and its own copy of undici, and exec loads node:child_process. With
// them deferred, the action's first request of a preflight came about
// 14 ms sooner on Node 24 (medians of 9 and 25 alternating runs on a
// 2-core Linux machine). The action calls core.getIDToken only through
// @actions/attest, and core.platform never. In the action's build,
// webpack keeps http-client and exec as modules of their own, because
// the artifact and cache clients import them too, and the module of
// @actions/core requires them at its top. This rewrites those requires
// so that each module loads on the first read of one of its exports.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

// One module of webpack's output: its id, then its function's text.
const MODULE = /^\/\*{3}\/ (\d+):\n([\s\S]*?)^\/\*{3}\/ \}\)/gm
// webpack names a module by its path from the project, ./node_modules/
// in a checkout, or a path such as ../../other/node_modules/ when
// node_modules is a symbolic link.
const CORE =
  /^;\/\/ CONCATENATED MODULE: \S*node_modules\/@actions\/core\/lib\/core\.js$/m
// A require at the top of a concatenated module, after the comment that
// names the required module. A copy nested in another package's
// node_modules does not match.
const EAGER = new RegExp(
  String.raw`^(// EXTERNAL MODULE: (?:(?!node_modules/)\S)*node_modules/` +
    String.raw`(@actions/[\w-]+/lib/[\w-]+\.js)(?: \+ \d+ modules)?)\n` +
    String.raw`var (\w+) = (__\w+_require__)\((\d+)\);$`,
  'gm'
)
const DEFERRED = [
  '@actions/http-client/lib/index.js',
  '@actions/http-client/lib/auth.js',
  '@actions/exec/lib/exec.js'
]

/**
 * Rewrites the JavaScript files of the action's build in `directory` in
 * place. Throws unless the build contains one module of @actions/core
 * that requires each module of DEFERRED once and reads it only through
 * its exports, as `name.export`, so that an @actions/core release or a
 * webpack output of another shape fails the build.
 * @param {string} directory
 */
export function loadActionsCoreImportsOnDemand(directory) {
  const found = []
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.js')) continue
    const file = path.join(directory, name)
    const code = readFileSync(file, 'utf8')
    const lazy = code.replace(MODULE, (module, id, body) => {
      if (!CORE.test(body)) return module
      found.push(`${name}: module ${id}`)
      return deferImports(module, `${name}: module ${id}`)
    })
    if (lazy !== code) writeFileSync(file, lazy)
  }
  if (found.length !== 1) {
    throw new Error(
      `${directory}: found ${found.length} modules of @actions/core ` +
        `(${found.join(', ')}), expected 1; read ` +
        'scripts/lazy-actions-core.mjs'
    )
  }
}

/** Returns the module's text with each require of DEFERRED made lazy. */
function deferImports(body, where) {
  const deferred = []
  const lazy = body.replace(EAGER, (lines, comment, module, name, load, id) => {
    if (!DEFERRED.includes(module)) return lines
    checkReadsOnlyExports(body, name, `${where}: ${module}`)
    deferred.push(module)
    // A Proxy with only a get trap: each read of an export requires the
    // module, which webpack evaluates on the first read and caches.
    return (
      `${comment}\n` +
      `var ${name} = new Proxy({}, {\n` +
      `  get: (_, key) => ${load}(${id})[key]\n` +
      '})'
    )
  })
  const missing = DEFERRED.filter(module => !deferred.includes(module))
  if (missing.length > 0 || deferred.length !== DEFERRED.length) {
    throw new Error(
      `${where}: expected one require of each of ${DEFERRED.join(', ')}, ` +
        `found ${deferred.join(', ') || 'none'}; read ` +
        'scripts/lazy-actions-core.mjs'
    )
  }
  return lazy
}

/**
 * Throws if the module uses `variable` other than to read an export,
 * `variable.key` or `variable/* name *\/.key`, which is all that the
 * Proxy forwards.
 */
function checkReadsOnlyExports(body, variable, where) {
  // A spread, `...variable`, is a use that is no read: the space keeps
  // its last dot from reading as a property access.
  const code = body.replace(/^;?\/\/.*$/gm, '').replaceAll('...', '... ')
  const uses = code.match(new RegExp(`(?<![\\w$.])${variable}(?![\\w$])`, 'g'))
  const reads = code.match(
    new RegExp(`(?<![\\w$.])${variable}(?:/\\*[^*]*\\*/)?\\.[\\w$]+`, 'g')
  )
  // One use is the declaration `var variable = ...`.
  if ((uses?.length ?? 0) !== (reads?.length ?? 0) + 1) {
    throw new Error(
      `${where}: the module uses ${variable} other than to read its ` +
        'exports; read scripts/lazy-actions-core.mjs'
    )
  }
}
