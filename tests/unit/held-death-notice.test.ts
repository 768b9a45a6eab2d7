import { describe, expect, it } from 'vitest';
import { decideHeldDeathNotice, holdDeathNotice } from '../../functions/registry/domain/held-death-notice';
import type { Person } from '../../functions/registry/domain/person';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';

const person: Person = {
  personId: newUlid(),
  residentIdMasked: '330106********021*',
  name: '张三',
  sex: 'male',
  birthDate: '1990-02-02',
  hukouRegion: '330106',
  residenceRegion: '510104',
  alive: true,
  version: 4,
  recordedAt: '2026-01-01T00:00:00.000Z',
  recordedBy: 'r',
  updatedAt: '2026-01-01T00:00:00.000Z',
  eventId: newUlid(),
  lastChange: 'recorded',
};
const clock = fixedClock('2026-06-02T03:00:00.000Z');
const context = { actor: 'registrar-1', clock, newId: () => newUlid() };
const held = holdDeathNotice({
  noticeId: newUlid(),
  person,
  senderProvince: '44',
  deathDate: '2026-05-05',
  province: '33',
  receivedAt: '2026-06-01T00:00:00.000Z',
});

describe('held death notices', () => {
  it('are listed under the person’s region in this province', () => {
    expect(held.region).toBe('330106');
    const migrantHere = holdDeathNotice({
      noticeId: newUlid(),
      person: { ...person, hukouRegion: '510104', residenceRegion: '330102' },
      senderProvince: '44',
      deathDate: '2026-05-05',
      province: '33',
      receivedAt: '2026-06-01T00:00:00.000Z',
    });
    expect(migrantHere.region).toBe('330102');
  });

  it('record the death when confirmed, with the sender as origin and the registrar as actor', () => {
    const { notice, change } = decideHeldDeathNotice(held, person, 'confirm', context);
    expect(notice).toMatchObject({
      status: 'confirmed',
      decidedBy: 'registrar-1',
      decidedAt: '2026-06-02T03:00:00.000Z',
    });
    expect(change?.person).toMatchObject({ alive: false, deathDate: '2026-05-05', lastChangeOrigin: '44' });
    expect(change?.action).toMatchObject({ by: 'registrar-1', origin: '44', type: 'deceased' });
  });

  it('change no person when rejected, and need a reason for it', () => {
    expect(() => decideHeldDeathNotice(held, person, 'reject', context)).toThrow(ValidationError);
    const { notice, change } = decideHeldDeathNotice(held, person, 'reject', {
      ...context,
      reason: '本人健在',
    });
    expect(notice).toMatchObject({ status: 'rejected', reason: '本人健在' });
    expect(change).toBeUndefined();
  });

  it('are decided once; a death recorded meanwhile is not recorded twice', () => {
    const { notice } = decideHeldDeathNotice(held, person, 'reject', { ...context, reason: '本人健在' });
    expect(() => decideHeldDeathNotice(notice, person, 'confirm', context)).toThrow(ConflictError);
    const dead = { ...person, alive: false, deathDate: '2026-05-04' };
    expect(decideHeldDeathNotice(held, dead, 'confirm', context).change).toBeUndefined();
  });
});
