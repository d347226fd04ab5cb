/** Jest runs TypeScript through esbuild: no type-checking in the test path (`npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[jt]s$': '<rootDir>/test/transform.js' },
  // kubernetes-models (and is-cidr, which it uses) ship ES modules only: test/resolver.js resolves the
  // "import" exports and the transform compiles them to CommonJS.
  resolver: '<rootDir>/test/resolver.js',
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Names the run for what its files share (one RabbitMQ node), and stops that at the end.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120000,
  // One worker per core: jest's default (cores − 1) leaves one of two cores idle.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/sequencer.js',
};
