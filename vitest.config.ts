import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 20_000,
    coverage: { provider: 'v8', include: ['lib/**', 'functions/**'] },
  },
});
