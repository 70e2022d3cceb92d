import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Under StrykerJS (npm run mutate) every statement also records which test reached it: property tests that take
    // under a second here take tens of seconds there.
    testTimeout: process.env.STRYKER_MUTATOR_WORKER === undefined ? 20_000 : 300_000,
    coverage: { provider: 'v8', include: ['lib/**', 'functions/**'] },
  },
});
