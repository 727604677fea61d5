// Bundles the action and the CLI into dist/ with @vercel/ncc. The output
// is committed; CI rebuilds it and fails when it differs.
import { spawnSync } from 'node:child_process'
import { chmodSync, rmSync } from 'node:fs'

const entries = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/cli/index.ts', out: 'dist/cli' }
]

rmSync('dist', { recursive: true, force: true })
for (const { entry, out } of entries) {
  const result = spawnSync(
    'ncc',
    [
      'build',
      entry,
      '-o',
      out,
      '--source-map',
      '--license',
      'licenses.txt',
      '--quiet'
    ],
    { stdio: 'inherit' }
  )
  if (result.status !== 0) process.exit(result.status ?? 1)
}
chmodSync('dist/cli/index.js', 0o755)
