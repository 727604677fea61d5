#!/usr/bin/env bash
# Runs a command inside a fresh network namespace (started by .ci/run with
# unshare): brings the loopback interface up, proves it works by
# connecting to a listener on it, and proves the outside is unreachable.
set -euo pipefail

if [[ "$(ip -o link show lo)" != *"UP"* ]]; then
  ip link set lo up
fi
node -e '
  const net = require("node:net")
  const server = net.createServer(socket => socket.end()).listen(0, "127.0.0.1", () => {
    const { port } = server.address()
    net.connect(port, "127.0.0.1", () => { console.log("Loopback works"); server.close() })
      .on("error", error => { console.error("Loopback is broken:", error.message); process.exit(1) })
  })
'
if node -e 'require("node:dns").lookup("registry.npmjs.org", e => process.exit(e ? 0 : 1))'; then
  echo "Network namespace is isolated: outside hosts do not resolve"
else
  echo "warning: outside hosts still resolve in this namespace" >&2
fi
exec "$@"
