// Test runner settings: oclif needs console output left alone, and network tests need room on two cores.
// Two projects: `unit` (npm test) judges behaviour; `timing` (npm run test:timing) holds the tests that judge rates
// and round trips against the clock, which a busy machine can fail without a bug.
import {configDefaults, defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {extends: true, test: {name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/**/*.timing.test.ts']}},
      {extends: true, test: {name: 'timing', include: ['test/**/*.timing.test.ts']}},
    ],
  },
})
