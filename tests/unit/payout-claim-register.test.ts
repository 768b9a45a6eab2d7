import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClaimRegister,
  decideClaim,
  emptyClaimRegister,
  releaseClaim,
} from '../../functions/payout/domain/claim-register';
import { lastPeriodPaid } from '../../functions/payout/domain/claim-service';

const AT = new Date('2026-11-20T02:00:00.000Z');
const later = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);
const claim = (n: number, province: string) => ({
  claimId: `01JE${String(n).padStart(22, '0')}`,
  province,
  fromPeriod: '2026-11',
  region: `${province}0106`,
});
const registerOf = () => emptyClaimRegister('Qm9vZ3VzUmVmZXJlbmNlRm9yVGVzdHNPbmx5MDEyMzQ', 'rural-reward');

/** Decides a claim and keeps the register it leaves, as the adapter would store it. */
function decided(register: ClaimRegister, c: ReturnType<typeof claim>, at = AT) {
  const decision = decideClaim(register, c, undefined, at);
  if (decision.answer === 'refused') throw new Error('refused');
  return decision;
}

describe('the register of claims kept by the hukou province', () => {
  it('grants the first claim and holds the next ones, naming who pays (the move B → C)', () => {
    const b = decided(registerOf(), claim(1, '51'));
    expect(b.answer).toBe('clear');
    const c = decided(b.register, claim(2, '44'), later(1));
    expect(c).toMatchObject({ answer: 'conflict', holder: { fromPeriod: '2026-11', region: '510106' } });
    expect(c.register.claims.map((x) => [x.province, x.state])).toEqual([
      ['51', 'granted'],
      ['44', 'waiting'],
    ]);
  });

  it('answers a repeated claim the same way and changes nothing', () => {
    const b = decided(registerOf(), claim(1, '51'));
    const c = decided(b.register, claim(2, '44'));
    expect(decided(c.register, claim(1, '51'))).toMatchObject({ answer: 'clear', changed: false });
    expect(decided(c.register, claim(2, '44'))).toMatchObject({ answer: 'conflict', changed: false });
  });

  it('refuses a claim id registered for another province: no province takes over another’s claim', () => {
    const b = decided(registerOf(), claim(1, '51'));
    expect(decideClaim(b.register, claim(1, '44'), undefined, AT)).toEqual({ answer: 'refused' });
  });

  it('holds every claim while an enrolment of ours older than the register pays the person', () => {
    const holder = { fromPeriod: '2019', region: '330106' };
    expect(decideClaim(registerOf(), claim(1, '51'), holder, AT)).toMatchObject({
      answer: 'conflict',
      holder,
    });
  });

  it('on the holder’s withdrawal grants the claim that waited longest, and only that one', () => {
    let register = decided(registerOf(), claim(1, '51')).register;
    register = decided(register, claim(3, '44'), later(2)).register;
    register = decided(register, claim(2, '33'), later(1)).register;
    const release = releaseClaim(register, claim(1, '51').claimId, undefined, later(3));
    expect(release.granted).toMatchObject({ province: '33', state: 'granted' });
    expect(release.register.claims.filter((c) => c.state === 'granted')).toHaveLength(1);
    // A waiting claim withdrawn is released without granting anything: 33 still holds.
    const withdrawn = releaseClaim(release.register, claim(3, '44').claimId, undefined, later(4));
    expect(withdrawn.granted).toBeUndefined();
    expect(withdrawn.register.claims.find((c) => c.province === '44')?.state).toBe('released');
  });

  it('grants nothing while an untracked enrolment of ours still pays; a repeated release changes nothing', () => {
    const holder = { fromPeriod: '2019', region: '330106' };
    const waiting = decideClaim(registerOf(), claim(1, '51'), holder, AT);
    if (waiting.answer !== 'conflict') throw new Error('expected conflict');
    expect(releaseClaim(waiting.register, undefined, holder, later(1))).toMatchObject({ changed: false });
    const ours = releaseClaim(waiting.register, undefined, undefined, later(1));
    expect(ours.granted?.province).toBe('51');
    expect(releaseClaim(ours.register, 'unknown', undefined, later(2)).changed).toBe(false);
  });

  it('records the last period paid by every holder released, for the claims cleared after them', () => {
    let register = decided(registerOf(), claim(1, '51')).register;
    register = decided(register, claim(2, '44')).register;
    const first = releaseClaim(register, claim(1, '51').claimId, undefined, later(1), '2026-11');
    expect(first.register.paidThrough).toBe('2026-11');
    // A holder that paid nothing (or less far) does not move it back.
    const second = releaseClaim(first.register, claim(2, '44').claimId, undefined, later(2));
    expect(second.register.paidThrough).toBe('2026-11');
    // An untracked enrolment of ours that ended records what it paid, granting the next claim.
    const waiting = decideClaim(
      registerOf(),
      claim(3, '62'),
      { fromPeriod: '2019-01', region: '330106' },
      AT,
    );
    if (waiting.answer !== 'conflict') throw new Error('expected conflict');
    const ours = releaseClaim(waiting.register, undefined, undefined, later(3), '2026-12');
    expect(ours).toMatchObject({ register: { paidThrough: '2026-12' }, granted: { province: '62' } });
  });

  it('tells the last period an enrolment pays from its lines: pending, sent and paid ones', () => {
    expect(
      lastPeriodPaid([
        { period: '2026-10', state: 'paid' },
        { period: '2026-12', state: 'held' },
        { period: '2026-11', state: 'pending' },
        { period: '2027-01', state: 'failed' },
      ]),
    ).toBe('2026-11');
    expect(lastPeriodPaid([{ period: '2026-12', state: 'held' }])).toBeUndefined();
  });

  it('never grants two claims at once, whatever the order of claims and releases', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('claim' as const),
        n: fc.integer({ min: 1, max: 6 }),
        province: fc.constantFrom('33', '44', '51', '62'),
      }),
      fc.record({ kind: fc.constant('release' as const), n: fc.integer({ min: 1, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let register = registerOf();
        steps.forEach((s, i) => {
          if (s.kind === 'claim') {
            const decision = decideClaim(register, claim(s.n, s.province), undefined, later(i));
            if (decision.answer !== 'refused') register = decision.register;
          } else {
            register = releaseClaim(register, claim(s.n, '').claimId, undefined, later(i)).register;
          }
          const granted = register.claims.filter((c) => c.state === 'granted');
          expect(granted.length).toBeLessThanOrEqual(1);
          // Nobody waits while nobody holds: a release always lets the next one through.
          if (granted.length === 0) expect(register.claims.some((c) => c.state === 'waiting')).toBe(false);
        });
      }),
    );
  });
});
