import { describe, expect, it } from 'vitest';
import { compareDetails, duplicatesNamed, fieldText } from './duplicate-review';

const details = {
  child: { name: '王安', sex: 'male', birthDate: '2026-01-02', birthRegion: '330106' },
  mother: { name: '李梅', residentId: '3301**********1234', birthDate: '1995-05-05', hukouRegion: '330106' },
  residenceRegion: '330106',
  birthOrder: 1,
};

describe('the duplicate review', () => {
  it('names the registrations the flags since the last dismissal point to, once each', () => {
    expect(
      duplicatesNamed([
        { type: 'submitted' },
        { type: 'flagged-duplicate', duplicateOf: 'OLD' },
        { type: 'duplicate-dismissed', reason: '不同的孩子' },
        { type: 'flagged-duplicate', duplicateOf: 'A' },
        { type: 'flagged-duplicate', duplicateOf: 'B' },
        { type: 'flagged-duplicate', duplicateOf: 'A' },
        { type: 'flagged-duplicate' },
      ]),
    ).toEqual(['A', 'B']);
    expect(duplicatesNamed(undefined)).toEqual([]);
    expect(duplicatesNamed(['odd', null])).toEqual([]);
  });

  it('reads a field by its path as text, or nothing', () => {
    expect(fieldText(details, 'child.sex')).toBe('male');
    expect(fieldText(details, 'birthOrder')).toBe('1');
    expect(fieldText(details, 'father.name')).toBeUndefined();
    expect(fieldText({ child: 'odd' }, 'child.name')).toBeUndefined();
    expect(fieldText({ child: { expected: true } }, 'child.expected')).toBe('true');
  });

  it('sets the fields side by side: differences marked, masked IDs only alike, fields neither has left out', () => {
    const other = {
      ...details,
      child: { ...details.child, name: '王小安', sex: 'female' },
      father: { name: '王强' },
    };
    const rows = compareDetails(details, other);
    const by = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(by['child.name']).toEqual({
      field: 'child.name',
      left: '王安',
      right: '王小安',
      comparison: 'different',
    });
    expect(by['child.sex']?.comparison).toBe('different');
    expect(by['child.birthDate']?.comparison).toBe('same');
    expect(by['mother.residentId']?.comparison).toBe('masked-alike');
    expect(by['father.name']).toEqual({
      field: 'father.name',
      left: undefined,
      right: '王强',
      comparison: 'different',
    });
    expect(by['father.residentId']).toBeUndefined();
    expect(by['child.residentId']).toBeUndefined();
    expect(rows.map((r) => r.field).slice(0, 3)).toEqual(['child.name', 'child.sex', 'child.birthDate']);
  });
});
