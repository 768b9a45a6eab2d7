import { vi } from 'vitest';

/**
 * Runs a test file as if today were `JIAHE_TEST_DATE` (an ISO instant), so the suites that
 * touch calendars can be shown to pass at a month end, a year end and on 29 February.
 * Only `Date` is replaced, and it keeps moving forward from that instant; timers, promises
 * and I/O stay real, so the local cloud and the emulators behave as in any other run.
 */
const at = process.env.JIAHE_TEST_DATE;
if (at) {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new Error(`JIAHE_TEST_DATE is not an instant: ${at}`);
  vi.useFakeTimers({ now: instant, toFake: ['Date'], shouldAdvanceTime: true });
}
