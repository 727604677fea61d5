// A minimal Node.js client for a cold registration. It makes the six
// requests that the CLI makes for a new model from a `runs:/` source,
// one after another on one keep-alive connection, with no validation,
// logging or diagnosis. The benchmark times it to show how much of a
// registration is Node's start and the server's time.
// Usage: node floor-client.mjs TRACKING_URI RUN_ID ARTIFACT_PATH MODEL ALIAS
import { Agent, request } from 'node:http'
import { URLSearchParams } from 'node:url'

const [trackingUri, runId, artifactPath, name, alias] = process.argv.slice(2)
const base = new URL(trackingUri)
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

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
const query = new URLSearchParams({ name }).toString()
const existing = await call('GET', `${api}/registered-models/get?${query}`)
if (existing.status !== 404) throw new Error(`model ${name} already exists`)
const run = JSON.parse(
  (await call('GET', `${api}/runs/get?run_id=${runId}`)).text
).run
const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '')
const modelFile = await call(
  'GET',
  `/api/2.0/mlflow-artifacts/artifacts/${root}/${artifactPath}/MLmodel`
)
if (modelFile.status !== 200)
  throw new Error(`MLmodel not found: HTTP ${modelFile.status}`)
await call('POST', `${api}/registered-models/create`, { name })
const created = await call('POST', `${api}/model-versions/create`, {
  name,
  source: `${run.info.artifact_uri}/${artifactPath}`,
  run_id: runId
})
const { version } = JSON.parse(created.text).model_version
await call('POST', `${api}/registered-models/alias`, { name, alias, version })
agent.destroy()
