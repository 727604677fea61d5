import { createActionHost } from './github/action-host.js'
import { run } from './main.js'

await run(createActionHost())
