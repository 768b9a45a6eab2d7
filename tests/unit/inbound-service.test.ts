import { describe, expect, it } from 'vitest';
import type { InboundCommit, InboundLookups } from '../../functions/registry/domain/inbound-ports';
import { inboundService, UnhandledInboundError } from '../../functions/registry/domain/inbound-service';
import type { Person } from '../../functions/registry/domain/person';
import type { StoredPerson } from '../../functions/registry/domain/ports';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import {
  ACK,
  BENEFIT_ENROLLMENT_CLEAR,
  BIRTH_REGISTERED,
  CERTIFICATE_VERIFY_ANSWERED,
  CERTIFICATE_VERIFY_REQUESTED,
  type DomainEvent,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/catalog';
import { provinceUrn } from '../../shared/events/envelope';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const OWN = '33';
const REF = testPersonRefOf(residentIdFor('330106', '1990-02-02', '021'));

const stored = (overrides: Partial<Person> = {}): StoredPerson => ({
  residentIdHash: 'hash',
  person: {
    personId: newUlid(),
    residentIdMasked: '330106********021*',
    name: '张三',
    sex: 'male',
    birthDate: '1990-02-02',
    hukouRegion: '330106',
    residenceRegion: '330106',
    alive: true,
    personRef: REF,
    version: 4,
    recordedAt: '2026-01-01T00:00:00.000Z',
    recordedBy: 'r',
    updatedAt: '2026-01-01T00:00:00.000Z',
    eventId: newUlid(),
    lastChange: 'recorded',
    ...overrides,
  },
});

const message = (type: string, data: unknown, from = '51'): DomainEvent =>
  ({
    specversion: '1.0',
    id: newUlid(),
    source: provinceUrn(from),
    type,
    time: '2026-06-01T00:00:00.000Z',
    subject: 'case-1',
    datacontenttype: 'application/json',
    data,
    recipient: provinceUrn(OWN),
  }) as DomainEvent;

function setup(lookups: Partial<InboundLookups> = {}) {
  const commits: InboundCommit[] = [];
  const service = inboundService({
    province: OWN,
    clock: fixedClock('2026-06-01T02:00:00.000Z'),
    newId: () => newUlid(),
    lookups: {
      findPersonByRef: async () => undefined,
      findCertificateByCode: async () => undefined,
      findVerification: async () => undefined,
      ...lookups,
    },
    store: {
      seen: async (id) => commits.some((c) => c.messageId === id),
      commit: async (c) => {
        commits.push(c);
        return 'committed';
      },
    },
  });
  return { service, commits };
}

const residence = { personRef: REF, hukouRegion: '330106', residenceRegion: '510104', on: '2026-05-01' };

describe('inboundService', () => {
  it('records a residence notified by another province, with its origin, and acks ok to it', async () => {
    const person = stored();
    const { service, commits } = setup({
      findPersonByRef: async (ref) => (ref === REF ? person : undefined),
    });
    const msg = message(PERSON_RESIDENCE_REGISTERED, residence);
    expect(await service.handle(msg)).toEqual({ outcome: 'ok' });
    const [commit] = commits;
    expect(commit?.effects).toMatchObject([
      {
        kind: 'person',
        expectedVersion: 4,
        next: { residenceRegion: '510104', residenceSince: '2026-05-01', lastChangeOrigin: '51', version: 5 },
        action: { reason: 'notified by province 51', origin: '51', type: 'residence-changed' },
      },
    ]);
    expect(commit?.outbox).toMatchObject([
      { type: ACK, recipient: '51', correlationid: msg.id, data: { outcome: 'ok' } },
    ]);
  });

  it('answers unknown-person when the reference names nobody here, and changes nothing', async () => {
    const { service, commits } = setup();
    expect(await service.handle(message(PERSON_RESIDENCE_ENDED, residence))).toEqual({
      outcome: 'fatal-error',
      reason: 'unknown-person',
    });
    expect(commits[0]?.effects).toEqual([]);
    expect(commits[0]?.outbox[0]?.data).toEqual({ outcome: 'fatal-error', reason: 'unknown-person' });
  });

  it('ends a notified residence back at the hukou place, unless a later one was recorded', async () => {
    const away = stored({ residenceRegion: '510104' });
    const { service, commits } = setup({ findPersonByRef: async () => away });
    await service.handle(message(PERSON_RESIDENCE_ENDED, residence));
    expect(commits[0]?.effects[0]).toMatchObject({ next: { residenceRegion: '330106' } });
    const elsewhere = stored({ residenceRegion: '610102' });
    const second = setup({ findPersonByRef: async () => elsewhere });
    expect(await second.service.handle(message(PERSON_RESIDENCE_ENDED, residence))).toEqual({
      outcome: 'ok',
    });
    expect(second.commits[0]?.effects).toEqual([]);
  });

  it('records a notified death once; a notice that cannot be right is refused as invalid', async () => {
    // Province 51 is where the person lives, as recorded here: competent to notify the death.
    const person = stored({ residenceRegion: '510104' });
    const { service, commits } = setup({ findPersonByRef: async () => person });
    const facts = {
      personId: newUlid(),
      version: 3,
      sex: 'male',
      birthDate: '1990-02-02',
      alive: false,
      deathDate: '2026-05-05',
      hukouRegion: '330106',
      residenceRegion: '510104',
      personRef: REF,
    };
    await service.handle(message(PERSON_DECEASED, facts));
    expect(commits[0]?.effects[0]).toMatchObject({ next: { alive: false, deathDate: '2026-05-05' } });
    expect(await service.handle(message(PERSON_DECEASED, { ...facts, deathDate: '2027-01-01' }))).toEqual({
      outcome: 'fatal-error',
      reason: 'invalid-notice',
    });
  });

  it('handles a redelivered message once', async () => {
    const { service, commits } = setup({ findPersonByRef: async () => stored() });
    const msg = message(PERSON_RESIDENCE_REGISTERED, residence);
    await service.handle(msg);
    expect(await service.handle(msg)).toBe('duplicate');
    expect(commits).toHaveLength(1);
  });

  it('stores a birth registered elsewhere for the parents’ hukou regions here only', async () => {
    const { service, commits } = setup({ findPersonByRef: async () => stored() });
    const facts = {
      registrationId: newUlid(),
      registrationNumber: '510104-2026-000003',
      registeredAt: '2026-05-02T03:00:00.000Z',
      childBirthDate: '2026-04-20',
      childSex: 'female',
      birthRegion: '510104',
      residenceRegion: '510104',
      motherHukouRegion: '330106',
      fatherHukouRegion: '610102',
      motherRef: REF,
      birthOrder: 1,
      channel: 'app',
      daysToRegister: 12,
    };
    const msg = message(BIRTH_REGISTERED, facts);
    await service.handle(msg);
    expect(commits[0]?.effects[0]).toMatchObject({
      kind: 'birth-elsewhere',
      record: {
        registrationId: msg.id,
        status: 'registered-elsewhere',
        origin: { province: '51', registrationNumber: '510104-2026-000003' },
        regionScope: ['330106'],
      },
    });
    expect(
      await service.handle(
        message(BIRTH_REGISTERED, { ...facts, motherHukouRegion: '510104', fatherHukouRegion: undefined }),
      ),
    ).toEqual({ outcome: 'fatal-error', reason: 'not-hukou-province' });
  });

  it('answers a verification request with what the public route shows, and acks it', async () => {
    const { service, commits } = setup();
    const requestId = newUlid();
    const msg = message(CERTIFICATE_VERIFY_REQUESTED, { requestId, verificationCode: 'ABCDEFGH23456789' });
    await service.handle(msg);
    expect(commits[0]?.outbox).toMatchObject([
      {
        type: CERTIFICATE_VERIFY_ANSWERED,
        recipient: '51',
        correlationid: msg.id,
        data: { requestId, found: false, valid: false },
      },
      { type: ACK, data: { outcome: 'ok' } },
    ]);
  });

  it('refuses an answer to a question it never asked that province', async () => {
    const requestId = newUlid();
    const { service } = setup({
      findVerification: async () => ({
        requestId,
        province: '61',
        status: 'pending',
        requestedBy: 'r',
        requestedIn: '330106',
        requestedAt: '2026-06-01T00:00:00.000Z',
      }),
    });
    const answer = message(CERTIFICATE_VERIFY_ANSWERED, { requestId, found: false, valid: false });
    expect(await service.handle(answer)).toEqual({ outcome: 'fatal-error', reason: 'unknown-request' });
  });

  it('fails (for the DLQ) on a type it does not take or a message from its own province', async () => {
    const { service, commits } = setup();
    await expect(
      service.handle(message(BENEFIT_ENROLLMENT_CLEAR, { claimId: newUlid(), scheme: 'x' })),
    ).rejects.toBeInstanceOf(UnhandledInboundError);
    await expect(service.handle(message(PERSON_RESIDENCE_REGISTERED, residence, OWN))).rejects.toBeInstanceOf(
      UnhandledInboundError,
    );
    expect(commits).toEqual([]);
  });

  describe('competence of the sender', () => {
    const ack = (commit: InboundCommit | undefined) => commit?.outbox.find((m) => m.type === ACK)?.data;

    it('refuses a residence notice from a province the residence does not lie in, without a lookup', async () => {
      let looked = false;
      const { service, commits } = setup({
        findPersonByRef: async () => {
          looked = true;
          return stored();
        },
      });
      // The attack: province 44 tells of a residence in Sichuan (51) it has no say over.
      for (const type of [PERSON_RESIDENCE_REGISTERED, PERSON_RESIDENCE_ENDED]) {
        const out = await service.handle(message(type, residence, '44'));
        expect(out).toEqual({ outcome: 'fatal-error', reason: 'out-of-competence' });
      }
      expect(looked).toBe(false);
      expect(commits.map((c) => c.effects)).toEqual([[], []]);
      expect(commits.map(ack)).toEqual([
        { outcome: 'fatal-error', reason: 'out-of-competence' },
        { outcome: 'fatal-error', reason: 'out-of-competence' },
      ]);
      expect(commits[0]?.outbox.map((m) => m.recipient)).toEqual(['44']);
    });

    it('refuses a residence notice about a person whose hukou is not here, as about an unknown person', async () => {
      // Recorded here (lives in Hangzhou) but registered in Guangdong: not this registry's to move.
      const migrant = stored({ hukouRegion: '440106', residenceRegion: '330106' });
      const { service, commits } = setup({ findPersonByRef: async () => migrant });
      const out = await service.handle(
        message(PERSON_RESIDENCE_REGISTERED, { ...residence, hukouRegion: '330106' }, '51'),
      );
      expect(out).toEqual({ outcome: 'fatal-error', reason: 'unknown-person' });
      expect(commits[0]?.effects).toEqual([]);
    });

    it('holds a death notice from a province that is neither residence nor hukou province here', async () => {
      // The attack: partner 44 says a Zhejiang resident living in Sichuan has died.
      const person = stored({ residenceRegion: '510104' });
      const { service, commits } = setup({ findPersonByRef: async () => person });
      const notice = message(
        PERSON_DECEASED,
        {
          personId: newUlid(),
          version: 1,
          sex: 'male',
          birthDate: '1990-02-02',
          alive: false,
          deathDate: '2026-05-05',
          // What the message claims is not what decides: the records here do.
          hukouRegion: '440106',
          residenceRegion: '440106',
          personRef: REF,
        },
        '44',
      );
      expect(await service.handle(notice)).toEqual({ outcome: 'ok', reason: 'held-for-confirmation' });
      expect(commits[0]?.effects).toEqual([
        {
          kind: 'held-death-notice',
          notice: {
            noticeId: notice.id,
            personId: person.person.personId,
            senderProvince: '44',
            deathDate: '2026-05-05',
            region: '330106',
            receivedAt: '2026-06-01T02:00:00.000Z',
            status: 'held',
          },
        },
      ]);
      expect(ack(commits[0])).toEqual({ outcome: 'ok', reason: 'held-for-confirmation' });
    });

    it('refuses an impossible death notice as invalid, whoever sent it, rather than holding it', async () => {
      const person = stored({ residenceRegion: '510104' });
      const { service, commits } = setup({ findPersonByRef: async () => person });
      const notice = message(
        PERSON_DECEASED,
        {
          personId: newUlid(),
          version: 1,
          sex: 'male',
          birthDate: '1990-02-02',
          alive: false,
          deathDate: '1980-01-01',
          hukouRegion: '440106',
          residenceRegion: '440106',
          personRef: REF,
        },
        '44',
      );
      expect(await service.handle(notice)).toEqual({ outcome: 'fatal-error', reason: 'invalid-notice' });
      expect(commits[0]?.effects).toEqual([]);
    });

    it('records a death notified by the hukou province of a person living here', async () => {
      const person = stored({ hukouRegion: '510104', residenceRegion: '330106' });
      const { service, commits } = setup({ findPersonByRef: async () => person });
      const notice = message(PERSON_DECEASED, {
        personId: newUlid(),
        version: 1,
        sex: 'male',
        birthDate: '1990-02-02',
        alive: false,
        deathDate: '2026-05-05',
        hukouRegion: '510104',
        residenceRegion: '330106',
        personRef: REF,
      });
      expect(await service.handle(notice)).toEqual({ outcome: 'ok' });
      expect(commits[0]?.effects[0]).toMatchObject({ kind: 'person', next: { alive: false } });
    });
  });
});
