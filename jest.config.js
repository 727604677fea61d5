// Three projects: unit tests run in-process with no servers; integration
// and end-to-end tests share one global setup that starts real MLflow
// servers on loopback and stops them when the run ends.
const tsJest = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs'],
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/__tests__/tsconfig.json', useESM: true }
    ]
  }
}

const withServers = {
  globalSetup: '<rootDir>/__tests__/support/global-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.mjs'
}

export default {
  // Jest reads testTimeout from the top level only, not per project.
  // Integration tests run real servers and Python, so they get two minutes.
  testTimeout: 120000,
  projects: [
    {
      ...tsJest,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts']
    },
    {
      ...tsJest,
      ...withServers,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts']
    },
    {
      ...tsJest,
      ...withServers,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts']
    }
  ]
}
