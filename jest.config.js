// Three projects: unit tests run in-process with no servers; integration
// and end-to-end tests share one global setup that starts real MLflow
// servers on loopback and stops them when the run ends.
const tsJest = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs'],
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true }]
  }
}

const withServers = {
  globalSetup: '<rootDir>/__tests__/support/global-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.mjs'
}

export default {
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
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      testTimeout: 120000
    },
    {
      ...tsJest,
      ...withServers,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      testTimeout: 120000
    }
  ]
}
