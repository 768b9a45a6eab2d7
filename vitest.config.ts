import { defineConfig } from 'vitest/config';

/**
 * Four projects, one per kind of test. `npm test` runs them all; each can run alone with
 * `npm run test:<name>`. Integration tests share one DynamoDB Local and one SQS emulator
 * per run; e2e tests share one local cloud with both provinces.
 */
/** Metrics and tracing have no CloudWatch or X-Ray daemon here. */
/** Every project keeps a copy of its output for the privacy scan (tests/proof/summary-reporter.ts). */
const setupFiles = ['tests/support/log-capture.ts'];

const env = {
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_REGION: 'us-east-1',
  // The two identity platforms handler tests sign in with (tests/support/api-event.ts).
  JIAHE_CITIZEN_ISSUER: 'https://citizen-id.test',
  JIAHE_STAFF_ISSUER: 'https://staff-id.test',
};

/** Fault scenarios that live with the integration tests they grew from. */
const PROOF_FAULT_FILES = [
  'tests/integration/payout-worker-kill.test.ts',
  'tests/integration/exchange-delivery.test.ts',
];

export default defineConfig({
  test: {
    // Prints the reliability and security figures after the run (tests/proof).
    reporters: ['default', './tests/proof/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles,
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['tests/integration/**/*.test.ts'],
          setupFiles,
          // Fault scenarios run with the proof suites, so `npm run test:proof` has them all.
          exclude: PROOF_FAULT_FILES,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'proof',
          env: { ...env, POWERTOOLS_LOG_LEVEL: 'INFO' },
          include: ['tests/proof/**/*.test.ts', ...PROOF_FAULT_FILES],
          setupFiles,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          setupFiles,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          setupFiles,
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
