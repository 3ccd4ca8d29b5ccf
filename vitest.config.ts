import { defineConfig } from 'vitest/config';

// Four projects: pure shared code, the server (real HTTP and sockets on port 0), the client's
// pure helpers and components (jsdom), and browser tests that drive Chromium against a real server.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts', 'fixtures/**/*.test.ts', 'bench/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'server', include: ['server/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      { test: { name: 'client', include: ['client/**/*.test.{ts,tsx}'], environment: 'jsdom' } },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
