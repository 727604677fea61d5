// Types of lazy-actions-core.mjs for the TypeScript tests.

/** Rewrites @actions/core's module in the build in `directory`. */
export function loadActionsCoreImportsOnDemand(directory: string): void
