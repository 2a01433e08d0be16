import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql has no "exports" map: Node loads its CJS build (as Pothos and yoga do) while Vite
// would pick the ESM one for our files, and graphql refuses to mix the two. Use Node's choice.
const graphqlCjs = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
