import type { VersionFacts } from '../../../src/release/version-facts.js'

/** Builds the facts of a version with these metrics and params. */
export function versionFacts(
  version: string,
  metrics?: Record<string, number>,
  params: Record<string, string> = {},
  extra: Partial<VersionFacts> = {}
): VersionFacts {
  return {
    version,
    provenance: {},
    tags: new Map(),
    ...(metrics
      ? {
          metrics: new Map(Object.entries(metrics)),
          params: new Map(Object.entries(params))
        }
      : { runNote: 'source run r1 could not be read: HTTP 403' }),
    ...extra
  }
}
