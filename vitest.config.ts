import { defineConfig } from 'vitest/config';

// MPM_TEST_SLOWDOWN (e.g. 5) stretches the timeouts on a machine shared with other work; CI leaves it unset.
const slowdown = Math.max(1, Number(process.env.MPM_TEST_SLOWDOWN) || 1);

export default defineConfig({
  test: {
    include: ['monitor/**/*.test.ts', 'serving/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000 * slowdown,
    hookTimeout: 120_000 * slowdown,
    // The machine has 2 cores; end-to-end tests spawn processes and servers of their own.
    maxWorkers: 2,
  },
});
