// A minimal Node.js client for a cold registration. It makes the five
// requests that the CLI makes for a new model from a `runs:/` source, in
// the same four round trips (the first two at once), on keep-alive
// connections, with no validation, logging or diagnosis. The benchmark
// times it to show how much of a registration is Node's start and the
// server's time.
// Usage: node floor-client.mjs TRACKING_URI RUN_ID ARTIFACT_PATH MODEL ALIAS
import { Agent, request } from 'node:http'
import { URLSearchParams } from 'node:url'

const [trackingUri, runId, artifactPath, name, alias] = process.argv.slice(2)
const base = new URL(trackingUri)
const agent = new Agent({ keepAlive: true, maxSockets: 2 })

function call(method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: payload ? { 'content-type': 'application/json' } : {}
      },
      response => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', chunk => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode, text }))
      }
    )
    outgoing.on('error', reject)
    outgoing.end(payload)
  })
}

const api = '/api/2.0/mlflow'

/** Sends one request and fails unless the status is `expected`. */
async function expectStatus(expected, method, path, body) {
  const response = await call(method, path, body)
  if (response.status !== expected) {
    throw new Error(`${method} ${path}: HTTP ${response.status}`)
  }
  return response.text ? JSON.parse(response.text) : {}
}

const query = new URLSearchParams({ name }).toString()
const listQuery = new URLSearchParams({ run_id: runId, path: artifactPath })
const [, listing] = await Promise.all([
  expectStatus(404, 'GET', `${api}/registered-models/get?${query}`),
  expectStatus(200, 'GET', `${api}/artifacts/list?${listQuery}`)
])
const files = (listing.files ?? []).map(file => file.path)
if (!files.includes(`${artifactPath}/MLmodel`)) {
  throw new Error(`MLmodel not found under runs:/${runId}/${artifactPath}`)
}
await expectStatus(200, 'POST', `${api}/registered-models/create`, { name })
const created = await expectStatus(
  200,
  'POST',
  `${api}/model-versions/create`,
  {
    name,
    source: `${listing.root_uri}/${artifactPath}`,
    run_id: runId
  }
)
const { version } = created.model_version
await expectStatus(200, 'POST', `${api}/registered-models/alias`, {
  name,
  alias,
  version
})
agent.destroy()
