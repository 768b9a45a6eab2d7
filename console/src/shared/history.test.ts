import { describe, expect, it } from 'vitest';
import { en, zh } from '../i18n/messages';
import { historyLabel, readHistory } from './history';

describe('a record history', () => {
  it('reads each entry whatever its shape, oldest first', () => {
    expect(
      readHistory([
        { type: 'validated', by: 'r-1', at: '2026-12-01T02:00:00Z' },
        'odd',
        { type: 'rejected', reason: '重复' },
      ]),
    ).toEqual([
      { type: 'validated', by: 'r-1', at: '2026-12-01T02:00:00Z' },
      { type: '?' },
      { type: 'rejected', reason: '重复' },
    ]);
    expect(readHistory(undefined)).toEqual([]);
  });

  it('names the types of registrations, enrolments and batches in both languages, and leaves an unknown one as it is', () => {
    for (const type of [
      'flagged-duplicate',
      'birth-recorded',
      'account-changed',
      'claim-conflict',
      'reconciled',
    ]) {
      const key = historyLabel(type);
      expect(key && [zh[key], en[key]].every((words) => words.length > 0)).toBe(true);
    }
    expect(historyLabel('something-new')).toBeUndefined();
  });
});
