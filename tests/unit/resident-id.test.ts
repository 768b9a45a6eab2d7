import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkResidentId,
  maskResidentId,
  normaliseResidentId,
  RESIDENT_ID_IN_TEXT,
  residentIdCheckChar,
} from '../../shared/domain/resident-id';
import { residentIdFor as residentId, validResidentId } from '../support/resident-ids';

/** A valid resident ID with the facts it was built from. */
const validId = validResidentId;

const CHARS = '0123456789X';

describe('residentIdCheckChar', () => {
  it('gives X for a known example', () => {
    expect(residentIdCheckChar('33010619900101123')).toBe('X');
  });

  it('always gives a digit or X', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        expect(residentIdCheckChar(first17)).toMatch(/^[\dX]$/);
      }),
    );
  });
});

describe('checkResidentId', () => {
  it('accepts the known example and reads its facts', () => {
    const id = `33010619900101123${residentIdCheckChar('33010619900101123')}`;
    expect(id.endsWith('X')).toBe(true);
    expect(checkResidentId(id)).toEqual({
      ok: true,
      facts: { regionCode: '330106', birthDate: '1990-01-01', sex: 'male' },
    });
  });

  it('accepts any well-formed ID and yields its region, birth date and sex', () => {
    fc.assert(
      fc.property(validId, ({ id, region, birthDate, sequence }) => {
        expect(checkResidentId(id)).toEqual({
          ok: true,
          facts: { regionCode: region, birthDate, sex: sequence % 2 === 1 ? 'male' : 'female' },
        });
      }),
    );
  });

  it('rejects every single-character substitution', () => {
    const mutation = validId.chain((valid) =>
      fc.record({
        valid: fc.constant(valid),
        position: fc.integer({ min: 0, max: 17 }),
        replacement: fc.constantFrom(...CHARS),
      }),
    );
    fc.assert(
      fc.property(
        mutation.filter(({ valid, position, replacement }) => valid.id[position] !== replacement),
        ({ valid, position, replacement }) => {
          const changed = valid.id.slice(0, position) + replacement + valid.id.slice(position + 1);
          const result = checkResidentId(changed);
          expect(result.ok).toBe(false);
          const inDate = position >= 6 && position < 14;
          if (replacement !== 'X' && !inDate) expect(result).toEqual({ ok: false, reason: 'checksum' });
        },
      ),
    );
  });

  it.each([
    ['19900230', 'February 30'],
    ['20230229', 'February 29 in a common year'],
    ['19000229', 'February 29 in 1900 (not a leap year)'],
    ['20260431', 'April 31'],
    ['20261301', 'month 13'],
    ['20260001', 'month 0'],
    ['20260100', 'day 0'],
    ['17991231', 'a year before 1800'],
  ])('rejects the impossible birth date %s (%s)', (date) => {
    expect(checkResidentId(residentId('330106', date, '123'))).toEqual({ ok: false, reason: 'birth-date' });
  });

  it.each([
    ['20000229', '2000-02-29'],
    ['20240229', '2024-02-29'],
  ])('accepts February 29 of the leap year in %s', (date, iso) => {
    const result = checkResidentId(residentId('510104', date, '042'));
    expect(result).toEqual({ ok: true, facts: { regionCode: '510104', birthDate: iso, sex: 'female' } });
  });

  it('rejects wrong shapes before anything else', () => {
    const valid = residentId('110101', '19850615', '246');
    const wrong = [
      '',
      valid.slice(0, 17),
      `${valid}0`,
      valid.replace(/.$/, 'x'),
      `${valid.slice(0, 5)}X${valid.slice(6)}`,
      ` ${valid}`,
      `${valid} `,
      `${valid.slice(0, 6)} ${valid.slice(6, 14)} ${valid.slice(14)}`,
      `${valid.slice(0, 6)}-${valid.slice(6)}`,
      valid.replace(/^1/, '１'),
    ];
    for (const value of wrong) expect(checkResidentId(value), value).toEqual({ ok: false, reason: 'shape' });
  });

  it('does not accept a lower-case x until normalised', () => {
    const id = residentId('330106', '19900101', '123');
    expect(id.endsWith('X')).toBe(true);
    const typed = `  ${id.toLowerCase()}\n`;
    expect(checkResidentId(typed).ok).toBe(false);
    expect(normaliseResidentId(typed)).toBe(id);
    expect(checkResidentId(normaliseResidentId(typed)).ok).toBe(true);
  });
});

describe('maskResidentId', () => {
  it('keeps the first and last four characters and hides the rest', () => {
    fc.assert(
      fc.property(validId, ({ id }) => {
        const masked = maskResidentId(id);
        expect(masked).toHaveLength(18);
        expect(masked.slice(0, 4)).toBe(id.slice(0, 4));
        expect(masked.slice(-4)).toBe(id.slice(-4));
        expect(masked.slice(4, 14)).toBe('*'.repeat(10));
        expect(masked).not.toContain(id.slice(4, 14));
        expect(masked).not.toContain(id.slice(6, 14));
      }),
    );
  });
});

describe('RESIDENT_ID_IN_TEXT', () => {
  const found = (text: string): string[] => [...text.matchAll(RESIDENT_ID_IN_TEXT)].map((m) => m[0]);

  it('finds an ID inside free text', () => {
    fc.assert(
      fc.property(
        validId,
        fc.constantFrom(' ', '：', ':', '，', '"', '(', '_', '\n', '号'),
        ({ id }, sep) => {
          expect(found(`身份证号${sep}${id}${sep}请核对`)).toEqual([id]);
          expect(found(`${id}`)).toEqual([id]);
        },
      ),
    );
  });

  it('finds an ID typed with a lower-case x', () => {
    const id = residentId('330106', '19900101', '123').toLowerCase();
    expect(found(`id=${id};`)).toEqual([id]);
  });

  it('finds each of several IDs', () => {
    const a = residentId('330106', '19900101', '123');
    const b = residentId('510104', '20010915', '468');
    expect(found(`${a}, ${b}`)).toEqual([a, b]);
  });

  it('does not match inside a longer digit run, but does match an ID glued to a label', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 9 }), ({ id }, digit) => {
        expect(found(`${digit}${id}`)).toEqual([]);
        expect(found(`${id.slice(0, 17)}${digit}${digit}`)).toEqual([]);
        expect(found(`${id}${digit}`)).toEqual([]);
        expect(found(`${id}b`)).toEqual([]);
        expect(found(`ID${id}`)).toEqual([id]);
      }),
    );
  });
});
