import { defineConfig } from 'vitest/config';

/**
 * Four projects, one per kind of test. `npm test` runs them all; each can run alone with
 * `npm run test:<name>`. Integration tests share one DynamoDB Local and one SQS emulator
 * per run; e2e tests share one local cloud with both provinces.
 */
/** Metrics and tracing have no CloudWatch or X-Ray daemon here. */
const env = {
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_REGION: 'us-east-1',
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One local cloud serves every e2e file; run them one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});
