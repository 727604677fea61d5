// Bundles the action and the CLI into dist/ with @vercel/ncc. The output
// is committed; CI rebuilds it and fails when it differs. The bundle is
// built in a temporary folder first, so a failed build leaves dist/ as it
// was. It has no source maps. Each map is one line of several megabytes
// that changes on every rebuild, and the action never prints a stack trace
// that a map would help to read.
import { spawnSync } from 'node:child_process'
import { chmodSync, renameSync, rmSync } from 'node:fs'

import { loadActionsCoreImportsOnDemand } from './lazy-actions-core.mjs'
import { loadHttp2OnDemand } from './lazy-http2.mjs'

const entries = [
  { entry: 'src/index.ts', out: '.dist-build' },
  { entry: 'src/cli/index.ts', out: '.dist-build/cli' }
]

rmSync('.dist-build', { recursive: true, force: true })
for (const { entry, out } of entries) {
  const result = spawnSync(
    'ncc',
    ['build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'],
    { stdio: 'inherit' }
  )
  if (result.status !== 0) {
    rmSync('.dist-build', { recursive: true, force: true })
    process.exit(result.status ?? 1)
  }
}
try {
  for (const { out } of entries) loadHttp2OnDemand(out)
  // Only the action loads @actions/core at start. The CLI loads it with
  // @actions/attest, and its build inlines http-client and exec.
  loadActionsCoreImportsOnDemand('.dist-build')
} catch (error) {
  console.error(error.message)
  rmSync('.dist-build', { recursive: true, force: true })
  process.exit(1)
}
chmodSync('.dist-build/cli/index.js', 0o755)
rmSync('dist', { recursive: true, force: true })
renameSync('.dist-build', 'dist')
