import { describe, expect, it } from 'vitest';
import { eligibleKind, verificationUrl } from './certificate-kinds';
import { personQuery } from './person-search';
import { actionBody, offeredActions } from './registration-actions';
import { readDetails } from './registration-details';

describe("the registrar's screens' rules", () => {
  it('offers the actions the registration allows that have a form here', () => {
    expect(offeredActions(['validate', 'record-birth', 'dismiss-duplicate', 'unknown'])).toEqual([
      'validate',
      'record-birth',
      'dismiss-duplicate',
    ]);
    expect(actionBody('register', { reason: 'ignored' })).toEqual({});
    expect(actionBody('reject-correction', { reason: '材料不符' })).toEqual({ reason: '材料不符' });
    expect(actionBody('request-correction', { reason: '笔误', childName: '王安' })).toEqual({
      reason: '笔误',
      changes: { 'child.name': '王安' },
    });
  });

  it('records a birth with its sex and date, and the name, resident ID and region only when entered', () => {
    expect(
      actionBody('record-birth', { sex: 'female', birthDate: '2026-03-02', childName: ' ', residentId: '' }),
    ).toEqual({
      child: { sex: 'female', birthDate: '2026-03-02' },
    });
    expect(
      actionBody('record-birth', {
        sex: 'male',
        birthDate: '2026-03-02',
        childName: '王安',
        residentId: ' 33010620260302123x ',
        birthRegion: '330106',
        reason: 'ignored',
      }),
    ).toEqual({
      child: {
        sex: 'male',
        birthDate: '2026-03-02',
        name: '王安',
        residentId: '33010620260302123X',
        birthRegion: '330106',
      },
    });
  });

  it('searches by an exact resident ID, or by name and birth date, only when complete', () => {
    expect(personQuery({ residentId: ' 33010619900101123x ' })).toEqual({ residentId: '33010619900101123X' });
    expect(personQuery({ residentId: '3301' })).toBeUndefined();
    expect(personQuery({ name: '王小明', birthDate: '1990-01-01' })).toEqual({
      name: '王小明',
      birthDate: '1990-01-01',
    });
    expect(personQuery({ name: '王小明' })).toBeUndefined();
  });

  it('issues the certificate the family type entitles to, and none otherwise', () => {
    expect(eligibleKind('only-child')).toBe('only-child-parents');
    expect(eligibleKind('bereaved')).toBe('special-assistance');
    expect(eligibleKind('disabled-only-child')).toBe('special-assistance');
    expect(eligibleKind('two-daughters')).toBeUndefined();
    expect(verificationUrl('http://127.0.0.1:3033', 'ABCD-EFGH-JKMN-PQRS')).toBe(
      'http://127.0.0.1:3033/v1/public/certificates/verify?code=ABCD-EFGH-JKMN-PQRS',
    );
  });

  it('reads details and history of any shape without failing', () => {
    expect(
      readDetails({ child: { name: '王安', birthDate: '2026-01-02', expected: true }, mother: 7 }),
    ).toMatchObject({
      child: { name: '王安', birthDate: '2026-01-02', expected: true },
      mother: {},
    });
    expect(readDetails(null).child).toEqual({ expected: false });
  });
});
