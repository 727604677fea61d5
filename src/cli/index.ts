#!/usr/bin/env node
import { enableCompileCache } from 'node:module'

// The CLI needs Node 22.19 or later (package.json `engines`). Older
// releases crash while loading its HTTP client, so the version is
// checked before anything else is loaded.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `error: mlflow-register needs Node.js 22.19 or later; this is ` +
      `${process.version}. Install Node.js 22.19 or later and run it ` +
      'again.\n'
  )
  process.exit(1)
}

// Node keeps the compiled code of the bundle in its compile cache (in the
// temp directory, NODE_COMPILE_CACHE to move it), so later runs skip most
// of the parsing; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache()
const { runCli } = await import('./main.js')
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text)
})
