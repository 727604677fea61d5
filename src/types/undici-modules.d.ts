// Types for the undici modules that src/http/undici.ts loads one by one.
// Each module contains one part of undici's public API, typed as undici's
// package entry types it.
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici'
  export default Dispatcher
}

declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici'
  export default Pool
}

declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import { EnvHttpProxyAgent } from 'undici'
  export default EnvHttpProxyAgent
}

declare module 'undici/lib/core/connect.js' {
  import { buildConnector } from 'undici'
  export default buildConnector
}

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici'
  /** The request methods that undici's entry puts on every dispatcher. */
  const api: Pick<
    Dispatcher,
    'request' | 'stream' | 'pipeline' | 'connect' | 'upgrade'
  >
  export default api
}
