import { describe, expect, it } from 'vitest';
import { accessLogQuery, accessLogQueryFrom, entryKey } from './access-log';

describe("the access log's rules", () => {
  it('asks about exactly one staff member or one person, tidied, and nothing until the entry is valid', () => {
    expect(accessLogQuery('staff', ' registrar-1 ')).toEqual({ staff: 'registrar-1' });
    expect(accessLogQuery('staff', 'two words')).toBeUndefined();
    expect(accessLogQuery('staff', '')).toBeUndefined();
    expect(accessLogQuery('personId', '01jz0000000000000000000000')).toEqual({
      personId: '01JZ0000000000000000000000',
    });
    // Crockford base 32 has no I, L, O or U; and a ULID is 26 characters.
    expect(accessLogQuery('personId', '01JZ000000000000000000000I')).toBeUndefined();
    expect(accessLogQuery('personId', '01JZ')).toBeUndefined();
    expect(accessLogQueryFrom(new URLSearchParams('staff=a&personId=01JZ0000000000000000000000'))).toEqual({
      staff: 'a',
    });
    expect(accessLogQueryFrom(new URLSearchParams('personId=01JZ0000000000000000000000'))).toEqual({
      personId: '01JZ0000000000000000000000',
    });
    expect(accessLogQueryFrom(new URLSearchParams(''))).toBeUndefined();
  });

  it('keys an entry by person, instant and read, since one read can name several persons', () => {
    const read = { at: '2026-03-01T08:00:00Z', readId: 'r-1' };
    expect(entryKey({ ...read, personId: 'A' })).not.toBe(entryKey({ ...read, personId: 'B' }));
  });
});
