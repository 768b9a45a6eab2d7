import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { examplePayoutConfigurationText } from './local/examples/payout-configuration';

/**
 * One project per kind of test. `npm test` runs them all; each can run alone with
 * `npm run test:<name>`. Integration tests share one DynamoDB Local and one SQS emulator
 * per run; e2e tests share one local cloud with three provinces.
 */
/** Metrics and tracing have no CloudWatch or X-Ray daemon here. */
/** Every project keeps a copy of its output for the privacy scan (tests/proof/summary-reporter.ts). */
const setupFiles = ['tests/support/log-capture.ts', 'tests/support/test-date.ts'];

const env = {
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_REGION: 'us-east-1',
  // The example schemes and account, as the local cloud uses them; tests only.
  PAYOUT_CONFIGURATION: examplePayoutConfigurationText('33'),
  // The two identity platforms handler tests sign in with (tests/support/api-event.ts).
  JIAHE_CITIZEN_ISSUER: 'https://citizen-id.test',
  JIAHE_STAFF_ISSUER: 'https://staff-id.test',
};

/** Fault scenarios that live with the integration tests they grew from. */
const PROOF_FAULT_FILES = [
  'tests/integration/payout-worker-kill.test.ts',
  'tests/integration/exchange-delivery.test.ts',
];

/**
 * The suites that work with calendars (periods, ages, deadlines, birth dates, statistics by
 * month), run again as if today were a month end, a year end and 29 February, each given as
 * the Beijing date it is (UTC+8): a test that reads the machine's clock where it should
 * inject one fails here on some day of the year instead of on the day it happens.
 */
const CALENDAR_DAYS = {
  'month-end': '2027-02-28T16:30:00Z',
  'year-end': '2026-12-31T16:30:00Z',
  'leap-day': '2028-02-29T12:00:00Z',
};
const CALENDAR_SUITES = [
  'tests/unit/{payout-*,birth-registration,register-birth,expected-birth,logic-audit,statistics,certificate,person,schedule-expression}.test.ts',
  'tests/integration/{payout-api,payout-cross-province,payout-schedule,birth-registrations}.test.ts',
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
        // The staff console's components and logic, in a simulated browser.
        plugins: [react()],
        test: {
          name: 'console',
          include: ['console/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: [...setupFiles, 'console/src/test-setup.ts'],
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
      ...Object.entries(CALENDAR_DAYS).map(([day, instant]) => ({
        test: {
          name: `calendar-${day}`,
          env: { ...env, JIAHE_TEST_DATE: instant },
          include: CALENDAR_SUITES,
          setupFiles,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
