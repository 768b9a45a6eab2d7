import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import type { Poller } from '../../local/pollers/sqs-poller';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import type { EventEnvelope } from '../../shared/events/envelope';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { eventually } from '../support/in-process-runtime';
import { ruralParent, twoDaughterHousehold } from '../support/payout-fixtures';
import { answerTo, deliver, outbound, type Province, startProvince } from '../support/payout-provinces';

const scheme = getScheme('rural-reward');
const CLOCK = fixedClock('2026-11-20T02:00:00.000Z');
/** One person, hukou in Hangzhou (33): she lived in Chengdu (51), then moved to Guangzhou (44). */
const PERSON_REF = 'Q2xhaW1SZWdpc3RlclRlc3RQZXJzb25SZWYwMDAwMDE';
const HUKOU = '330106';

const CLAIMED = 'cn.gov.jiahe.benefit.enrollment-claimed.v1';
const CONFLICT = 'cn.gov.jiahe.benefit.enrollment-conflict.v1';
const CLEAR = 'cn.gov.jiahe.benefit.enrollment-clear.v1';

/** The first message of `type` the province sends towards the exchange (others are set aside). */
async function sent(p: Province, type: string): Promise<EventEnvelope> {
  const seen: EventEnvelope[] = [];
  return eventually(async () => {
    seen.push(...(await outbound(p, 1)));
    return seen.find((m) => m.type === type);
  });
}

describe('one authority against paying twice: the hukou province’s register across three provinces', () => {
  const pollers: Poller[] = [];
  const provinces: Record<string, Province> = {};
  const enrollments: Record<string, string> = {};
  /** Every period any province planned to pay her, with the province. */
  const payable: string[] = [];
  const at = (code: string) => provinces[code] as Province;

  /** The province's staff enrol the person and a second person approves: the approved enrolment. */
  async function enrolAndApprove(code: string, residenceRegion: string) {
    const p = at(code);
    const personId = newUlid();
    await p.repos.projection.saveIfNewer(
      ruralParent(personId, { hukouRegion: HUKOU, residenceRegion, personRef: PERSON_REF }),
    );
    await p.repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
    const office = `${residenceRegion.slice(0, 4)}00`;
    const created = await callApi(p.api, 'POST', '/v1/enrollments', {
      claims: staffClaims(`officer-${code}`, ['payout-officer'], office),
      body: {
        scheme: scheme.code,
        personId,
        bankAccount: {
          accountNumber: `622848000${code}01040001`,
          holderName: '王秀英',
          bankCode: '999651000002',
        },
      },
    });
    expect(created.status).toBe(201);
    const enrollmentId: string = created.body.enrollmentId;
    enrollments[code] = enrollmentId;
    const approved = await callApi(p.api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims: staffClaims(`approver-${code}`, ['payout-approver'], office),
      path: { enrollmentId, action: 'approve' },
      body: {},
    });
    expect(approved.status).toBe(200);
    return approved.body;
  }

  const end = async (code: string, region: string) => {
    const ended = await callApi(at(code).api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims: staffClaims(`officer-${code}`, ['payout-officer'], region),
      path: { enrollmentId: enrollments[code] ?? '', action: 'end' },
      body: { reason: '已迁出' },
    });
    expect(ended.status).toBe(200);
  };

  const crossProvinceOf = async (code: string, status: string) =>
    eventually(async () => {
      const e = await at(code).repos.enrollments.find(enrollments[code] ?? '');
      return e?.crossProvince?.status === status ? e.crossProvince : undefined;
    });

  /** Plans the province's batch of a period: the lines of the person, with their states. */
  const planned = async (code: string, period: string) => {
    const batch = await planBatch(at(code).repos, {
      scheme,
      period,
      region: `${code}0000`,
      by: 'officer',
      at: CLOCK.now(),
      newId: () => newUlid(),
    });
    const lines = (await at(code).repos.batches.lines(batch.batchId, { limit: 10 })).items;
    for (const l of lines) if (l.state === 'pending') payable.push(`${l.period} by ${code}`);
    return lines.map((l) => [l.period, l.state, l.holdReason ?? '']).sort();
  };

  beforeAll(async () => {
    // Tables of test provinces 48, 49 and 57 stand in for Zhejiang, Sichuan and Guangdong.
    for (const [test, code] of [
      ['48', '33'],
      ['49', '51'],
      ['57', '44'],
    ] as const) {
      const started = await startProvince(test, code, CLOCK);
      pollers.push(...started.pollers);
      provinces[code] = started.province;
    }
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });

  it('B claims first and is cleared; after the move C is held by the hukou province, though A itself pays nobody', async () => {
    const b = await enrolAndApprove('51', '510104');
    expect(b.crossProvince).toEqual({ province: '33', status: 'awaiting' });
    const claimOfB = await sent(at('51'), CLAIMED);
    expect(claimOfB.recipient).toBe('urn:cn:gov:330000:jiahe');
    await deliver(at('51'), at('33'), claimOfB);
    const answerToB = await answerTo(at('33'), claimOfB.id);
    expect(answerToB?.type).toBe(CLEAR);
    await deliver(at('33'), at('51'), answerToB as EventEnvelope);
    await crossProvinceOf('51', 'clear');

    // She moves to Guangzhou and applies there. Sichuan has not ended its enrolment yet:
    // 44's claim goes to 33, which has no enrolment of its own but registered 51's claim.
    const c = await enrolAndApprove('44', '440106');
    expect(c.crossProvince).toEqual({ province: '33', status: 'awaiting' });
    const claimOfC = await sent(at('44'), CLAIMED);
    expect(claimOfC.recipient).toBe('urn:cn:gov:330000:jiahe');
    await deliver(at('44'), at('33'), claimOfC);
    const answerToC = await answerTo(at('33'), claimOfC.id);
    expect(answerToC).toMatchObject({
      type: CONFLICT,
      recipient: 'urn:cn:gov:440000:jiahe',
      data: { claimId: enrollments['44'], activeSincePeriod: '2026-11', region: '510104' },
    });
    await deliver(at('33'), at('44'), answerToC as EventEnvelope);
    await crossProvinceOf('44', 'conflict');
    expect(await planned('51', '2026-11')).toEqual([['2026-11', 'pending', '']]);
    expect(await planned('44', '2026-11')).toEqual([['2026-11', 'held', 'cross-province-conflict']]);
  });

  it('the hukou province’s own enrolment waits in the same register, with no message', async () => {
    const a = await enrolAndApprove('33', '330106');
    expect(a.crossProvince).toEqual({ province: '33', status: 'conflict' });
    expect(await planned('33', '2026-11')).toEqual([['2026-11', 'held', 'cross-province-conflict']]);
  });

  it('refuses a withdrawal of B’s claim sent by C: the same answer as for a claim that does not exist', async () => {
    const forged: EventEnvelope = {
      specversion: '1.0',
      id: newUlid(),
      source: 'urn:cn:gov:440000:jiahe',
      type: CLEAR,
      time: CLOCK.now().toISOString(),
      subject: enrollments['51'] ?? '',
      datacontenttype: 'application/json',
      recipient: 'urn:cn:gov:330000:jiahe',
      data: { claimId: enrollments['51'], scheme: scheme.code },
    };
    const unknown = { ...forged, id: newUlid(), data: { claimId: newUlid(), scheme: scheme.code } };
    for (const message of [forged, unknown]) {
      await deliver('44', at('33'), message);
      expect(await answerTo(at('33'), message.id)).toMatchObject({
        data: { outcome: 'fatal-error', reason: 'unknown-claim' },
      });
    }
    const register = await at('33').repos.registers.find(PERSON_REF, scheme.code);
    expect(register?.claims.map((c) => [c.province, c.state])).toEqual([
      ['51', 'granted'],
      ['44', 'waiting'],
      ['33', 'waiting'],
    ]);
  });

  it('B ends and withdraws: the longest-waiting claim (C) is granted from the period after B’s last; A still waits', async () => {
    await end('51', '510100');
    const withdrawal = await sent(at('51'), CLEAR);
    expect(withdrawal).toMatchObject({
      recipient: 'urn:cn:gov:330000:jiahe',
      data: { claimId: enrollments['51'], scheme: scheme.code, paidThroughPeriod: '2026-11' },
    });
    await deliver(at('51'), at('33'), withdrawal);
    expect(await answerTo(at('33'), withdrawal.id)).toMatchObject({ data: { outcome: 'ok' } });
    const grant = await sent(at('33'), CLEAR);
    expect(grant).toMatchObject({
      recipient: 'urn:cn:gov:440000:jiahe',
      data: { claimId: enrollments['44'], paidThroughPeriod: '2026-11' },
    });
    await deliver(at('33'), at('44'), grant);
    expect(await crossProvinceOf('44', 'clear')).toEqual({
      province: '33',
      status: 'clear',
      paidElsewhereThrough: '2026-11',
    });
    // November, which Sichuan paid, is held for good; December is Guangdong's to pay.
    expect(await planned('44', '2026-12')).toEqual([
      ['2026-11', 'held', 'paid-by-other-province'],
      ['2026-12', 'pending', ''],
    ]);
    expect((await at('33').repos.enrollments.find(enrollments['33'] ?? ''))?.crossProvince?.status).toBe(
      'conflict',
    );
  });

  it('C ends too: the hukou province’s own waiting enrolment is cleared where it is, from January', async () => {
    await end('44', '440100');
    const withdrawal = await sent(at('44'), CLEAR);
    expect(withdrawal.data).toMatchObject({ paidThroughPeriod: '2026-12' });
    await deliver(at('44'), at('33'), withdrawal);
    expect(await crossProvinceOf('33', 'clear')).toEqual({
      province: '33',
      status: 'clear',
      paidElsewhereThrough: '2026-12',
    });
    expect(await planned('33', '2026-12')).toEqual([
      ['2026-11', 'held', 'paid-by-other-province'],
      ['2026-12', 'held', 'paid-by-other-province'],
    ]);
    expect(await planned('33', '2027-01')).toEqual([['2027-01', 'pending', '']]);
    const register = await at('33').repos.registers.find(PERSON_REF, scheme.code);
    expect(register).toMatchObject({ paidThrough: '2026-12' });
    expect(register?.claims.map((c) => [c.province, c.state])).toEqual([
      ['51', 'released'],
      ['44', 'released'],
      ['33', 'granted'],
    ]);
    // Across the three provinces, each period was to be paid once.
    expect(payable.sort()).toEqual(['2026-11 by 51', '2026-12 by 44', '2027-01 by 33']);
  });

  it('a writer that read the register before another changed it is refused, and writes nothing', async () => {
    const registers = at('33').repos.registers;
    const read = await registers.find(PERSON_REF, scheme.code);
    if (!read) throw new Error('no register');
    // A claim decided meanwhile (or an approval) saves first…
    await registers.save(read, []);
    // …so a decision made on the version read before is refused, and changes nothing.
    await expect(registers.save({ ...read, claims: [] }, [])).rejects.toThrow(/changed meanwhile/);
    expect(await registers.find(PERSON_REF, scheme.code)).toMatchObject({
      version: read.version + 1,
      claims: read.claims,
    });
  });
});
