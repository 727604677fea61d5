import { configError } from '../diagnosis/diagnosis.js'
import { isLoopbackHost } from '../http/url.js'

/**
 * Parses the URL of a storage endpoint that an environment variable
 * names, such as an emulator. Plain http is accepted only on loopback,
 * because storage requests carry credentials: a SAS token in the query
 * or a bearer token in a header.
 */
export function parseEndpointUrl(variable: string, raw: string): URL {
  const url = URL.parse(raw)
  if (url === null || !['http:', 'https:'].includes(url.protocol)) {
    throw configError(
      `environment variable ${variable}`,
      `'${raw}' is not an http or https URL`,
      'Set it to the URL of the storage emulator, or unset it to write ' +
        "to the cloud's own endpoint."
    )
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw configError(
      `environment variable ${variable}`,
      `'${url.origin}' is plain http on a host that is not loopback, so ` +
        'storage credentials would cross the network unencrypted',
      'Use an https URL, or an http URL on 127.0.0.1 for a local emulator.'
    )
  }
  return url
}
