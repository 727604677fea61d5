#!/usr/bin/env node
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

const { runCli } = await import('./main.js')
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text)
})
