import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_KINDS,
  type Certificate,
  type CertificateKind,
  certificateEventOf,
  citizenSubjectOf,
  formatVerificationCode,
  type HouseholdFacts,
  isEligible,
  issueCertificate,
  maskName,
  newVerificationCode,
  normaliseVerificationCode,
  revokeCertificate,
  VERIFICATION_CODE_PATTERN,
  verificationOf,
} from '../../functions/registry/domain/certificate';
import type { FamilyType, HouseholdMember } from '../../functions/registry/domain/household';
import { verifyAnswerOf } from '../../functions/registry/domain/remote-verification';
import { VerifyCertificateQuery } from '../../functions/registry/schemas';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';
import { CertificateVerifyAnswered, parseDomainEvent } from '../../shared/events/catalog';
import { eventSource } from '../../shared/events/envelope';

const NOW = '2026-06-01T17:30:00.000Z';
const clock = fixedClock(NOW);
const context = { clock, newId: () => newUlid(Date.parse(NOW)) };

const MOTHER_ID = newUlid();
const FATHER_ID = newUlid();
const REGISTRATION_ID = newUlid();

const member = (
  role: HouseholdMember['role'],
  overrides: Partial<HouseholdMember> = {},
): HouseholdMember => ({
  role,
  birthDate: '1990-01-01',
  alive: true,
  disabled: false,
  ...overrides,
});

/** A household of the given family type, with its child's registration submitted in the app. */
function householdOf(type: FamilyType): HouseholdFacts {
  const child = (overrides: Partial<HouseholdMember> = {}) =>
    member('child', { registrationId: REGISTRATION_ID, birthDate: '2020-05-01', ...overrides });
  const children: Record<FamilyType, HouseholdMember[]> = {
    'only-child': [child()],
    bereaved: [child({ alive: false })],
    'disabled-only-child': [child({ disabled: true })],
    'two-daughters': [
      child({ sex: 'female' }),
      member('child', { registrationId: newUlid(), birthDate: '2022-01-01', sex: 'female' }),
    ],
    other: [child(), member('child', { registrationId: newUlid(), birthDate: '2022-01-01' })],
  };
  return {
    household: {
      householdId: newUlid(),
      members: [
        member('mother', { personId: MOTHER_ID, name: '李芳' }),
        member('father', { personId: FATHER_ID, name: '王强' }),
        ...children[type],
      ],
      version: 3,
      createdAt: NOW,
      updatedAt: NOW,
      eventId: newUlid(),
    },
    registrations: [
      { registrationId: REGISTRATION_ID, regionScope: ['330106'], submittedBy: 'citizen-1', channel: 'app' },
    ],
  };
}

const issue = (kind: CertificateKind, facts: HouseholdFacts, existing: readonly Certificate[] = []) =>
  issueCertificate(
    {
      kind,
      household: facts,
      existing,
      issuingRegion: '330106',
      issuingRegionName: '浙江省杭州市西湖区',
      issuedBy: 'registrar-1',
    },
    context,
  );

const FAMILY_TYPES: FamilyType[] = ['only-child', 'bereaved', 'disabled-only-child', 'other'];

describe('eligibility, derived from the family type', () => {
  it.each([
    ['only-child-parents', 'only-child', true],
    ['only-child-parents', 'bereaved', false],
    ['only-child-parents', 'disabled-only-child', false],
    ['only-child-parents', 'other', false],
    ['special-assistance', 'only-child', false],
    ['special-assistance', 'bereaved', true],
    ['special-assistance', 'disabled-only-child', true],
    ['special-assistance', 'other', false],
  ] as const)('%s for a %s household: %s', (kind, type, eligible) => {
    expect(isEligible(kind, type)).toBe(eligible);
    if (eligible) expect(issue(kind, householdOf(type)).status).toBe('valid');
    else expect(() => issue(kind, householdOf(type))).toThrow(ConflictError);
  });

  it('never offers both kinds at once, and nothing to a household that is not an only-child one', () => {
    for (const type of FAMILY_TYPES) {
      const kinds = CERTIFICATE_KINDS.filter((kind) => isEligible(kind, type));
      expect(kinds.length).toBe(type === 'other' ? 0 : 1);
    }
  });

  it('keeps an only-child certificate valid when the family later becomes bereaved, but issues no new one', () => {
    const held = issue('only-child-parents', householdOf('only-child'));
    const bereaved = householdOf('bereaved');
    // Nothing re-checks a held certificate; special assistance may be added beside it.
    const assistance = issue('special-assistance', bereaved, [held]);
    expect(assistance.kind).toBe('special-assistance');
    expect(held.status).toBe('valid');
    const revoked = revokeCertificate(held, '证件遗失补办', 'registrar-1', context);
    expect(() => issue('only-child-parents', bereaved, [revoked])).toThrow(ConflictError);
  });
});

describe('issueCertificate', () => {
  it('makes the mother the named holder, with both parents and the app user of the registration', () => {
    const facts = householdOf('only-child');
    const certificate = issue('only-child-parents', facts);
    expect(certificate).toMatchObject({
      kind: 'only-child-parents',
      householdId: facts.household.householdId,
      holderName: '李芳',
      holderPersonIds: [MOTHER_ID, FATHER_ID],
      issuingRegion: '330106',
      issuedAt: NOW,
      issuedBy: 'registrar-1',
      status: 'valid',
      citizenSubject: 'citizen-1',
      version: 1,
    });
    expect(certificate.verificationCode).toMatch(VERIFICATION_CODE_PATTERN);
    expect(certificate.eventId).not.toBe(certificate.certificateId);
  });

  it('links no app user when the birth was registered at a counter', () => {
    const facts = householdOf('only-child');
    const counter: HouseholdFacts = {
      ...facts,
      registrations: facts.registrations.map((r) => ({ ...r, channel: 'counter' as const })),
    };
    expect(citizenSubjectOf(counter)).toBeUndefined();
    expect(issue('only-child-parents', counter)).not.toHaveProperty('citizenSubject');
  });

  it('allows one valid certificate per household and kind, and another after revocation', () => {
    const facts = householdOf('only-child');
    const first = issue('only-child-parents', facts);
    expect(() => issue('only-child-parents', facts, [first])).toThrow(ConflictError);
    const revoked = revokeCertificate(first, '信息有误', 'registrar-1', context);
    const second = issue('only-child-parents', facts, [revoked]);
    expect(second.certificateId).not.toBe(first.certificateId);
    expect(second.verificationCode).not.toBe(first.verificationCode);
  });

  it('counts valid certificates per kind, not across kinds', () => {
    const facts = householdOf('bereaved');
    const otherKind = { ...issue('special-assistance', facts), kind: 'only-child-parents' as const };
    expect(issue('special-assistance', facts, [otherKind]).status).toBe('valid');
  });
});

describe('revokeCertificate', () => {
  const valid = () => issue('only-child-parents', householdOf('only-child'));

  it('revokes a valid certificate with the reason, actor and a new event', () => {
    const certificate = valid();
    const revoked = revokeCertificate(certificate, '  证件信息有误  ', 'registrar-2', context);
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedAt: NOW,
      revokedBy: 'registrar-2',
      revocationReason: '证件信息有误',
      version: 2,
    });
    expect(revoked.eventId).not.toBe(certificate.eventId);
  });

  it('needs a reason of 1 to 500 characters', () => {
    expect(() => revokeCertificate(valid(), '   ', 'r', context)).toThrow(ValidationError);
    expect(() => revokeCertificate(valid(), 'x'.repeat(501), 'r', context)).toThrow(ValidationError);
    expect(revokeCertificate(valid(), 'x'.repeat(500), 'r', context).status).toBe('revoked');
  });

  it('refuses to revoke a revoked certificate', () => {
    const revoked = revokeCertificate(valid(), '重复发证', 'r', context);
    expect(() => revokeCertificate(revoked, '再次撤销', 'r', context)).toThrow(ConflictError);
  });
});

describe('verification codes', () => {
  const code = fc
    .uint8Array({ minLength: 16, maxLength: 16 })
    .map((bytes) => newVerificationCode(() => bytes));

  it('are 16 Crockford characters, printed in groups of four', () => {
    fc.assert(
      fc.property(code, (c) => {
        expect(c).toMatch(VERIFICATION_CODE_PATTERN);
        expect(formatVerificationCode(c)).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
      }),
    );
    expect(newVerificationCode()).not.toBe(newVerificationCode());
  });

  it('read back in any case, with or without dashes and spaces', () => {
    fc.assert(
      fc.property(
        code,
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        (c, dashed, lower) => {
          const shown = dashed ? formatVerificationCode(c) : c;
          let i = 0;
          const typed = [...shown].map((ch) => (ch !== '-' && lower[i++] ? ch.toLowerCase() : ch)).join('');
          expect(normaliseVerificationCode(typed)).toBe(c);
          expect(normaliseVerificationCode(` ${typed} `)).toBe(c);
        },
      ),
    );
  });

  it('read I and L as 1 and O as 0, and refuse anything else', () => {
    expect(normaliseVerificationCode('o1il-abcd-efgh-jkmn')).toBe('0111ABCDEFGHJKMN');
    expect(normaliseVerificationCode('ABCD-EFGH-JKMN-PQRU')).toBeUndefined();
    expect(normaliseVerificationCode('ABCD-EFGH-JKMN-PQR')).toBeUndefined();
    expect(normaliseVerificationCode('ABCD-EFGH-JKMN-PQRST')).toBeUndefined();
    expect(normaliseVerificationCode('王ABC-EFGH-JKMN-PQRS')).toBeUndefined();
    expect(normaliseVerificationCode('')).toBeUndefined();
  });

  it('are parsed by the verify query schema to their stored form', () => {
    expect(VerifyCertificateQuery.parse({ code: 'abcd-efgh-jkmn-pqrs' })).toEqual({
      code: 'ABCDEFGHJKMNPQRS',
    });
    expect(VerifyCertificateQuery.safeParse({ code: 'not a code' }).success).toBe(false);
    expect(VerifyCertificateQuery.safeParse({ code: 'ABCDEFGHJKMNPQRS', extra: '1' }).success).toBe(false);
    expect(VerifyCertificateQuery.safeParse({}).success).toBe(false);
  });
});

describe('maskName', () => {
  it.each([
    ['王芳', '王*'],
    ['李小明', '李**'],
    ['欧阳娜娜', '欧***'],
    ['阿依古丽·买买提', '阿***·***'],
    ['玛丽亚 • 李', '玛** • *'],
    ['王', '王'],
    ['𠀀明', '𠀀*'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('never shows more than the first character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }), (name) => {
        const masked = maskName(name);
        expect(masked.replace(/[*\s·•.・]/gu, '').length).toBeLessThanOrEqual(
          Array.from(new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(name.trim()))[0]?.segment
            .length ?? 0,
        );
      }),
    );
  });
});

describe('what a certificate discloses', () => {
  const certificate = issue('only-child-parents', householdOf('only-child'));

  it('to the public: validity, kind, Beijing issue date, office and masked name only', () => {
    expect(verificationOf(certificate)).toEqual({
      valid: true,
      kind: 'only-child-parents',
      // 17:30 UTC is already the next day in Beijing.
      issuedAt: '2026-06-02',
      issuingRegion: '330106',
      issuingRegionName: '浙江省杭州市西湖区',
      holderNameMasked: '李*',
    });
    const revoked = revokeCertificate(certificate, '信息有误', 'r', context);
    expect(verificationOf(revoked).valid).toBe(false);
  });

  it('to another province asking by code: what the public sees, within the exchange schema', () => {
    const requestId = newUlid();
    const answer = CertificateVerifyAnswered.parse(verifyAnswerOf(requestId, certificate));
    expect(answer).toEqual({
      requestId,
      found: true,
      valid: true,
      kind: 'only-child-parents',
      issuedAt: '2026-06-02',
      issuingRegion: '330106',
      holderNameMasked: '李*',
    });
    expect(verifyAnswerOf(requestId, undefined)).toEqual({ requestId, found: false, valid: false });
  });

  it.each(CERTIFICATE_KINDS)('in events (%s): catalogued facts without names or codes', (kind) => {
    const issued = issue(kind, householdOf(kind === 'only-child-parents' ? 'only-child' : 'bereaved'));
    const revoked = revokeCertificate(issued, '信息有误', 'r', context);
    for (const [stored, type, at] of [
      [issued, 'cn.gov.jiahe.certificate.issued.v1', issued.issuedAt],
      [revoked, 'cn.gov.jiahe.certificate.revoked.v1', revoked.revokedAt],
    ] as const) {
      const { eventId, ...event } = certificateEventOf(stored);
      expect(eventId).toBe(stored.eventId);
      expect(event).toMatchObject({ type, time: at, subject: stored.certificateId });
      const envelope = {
        specversion: '1.0',
        id: eventId,
        source: eventSource('33', 'registry'),
        datacontenttype: 'application/json',
        ...event,
      };
      const parsed = parseDomainEvent(JSON.stringify(envelope));
      expect(parsed.data).toEqual({
        certificateId: stored.certificateId,
        kind,
        householdId: stored.householdId,
        issuingRegion: '330106',
        at,
      });
      const raw = JSON.stringify(envelope);
      expect(raw).not.toContain('李芳');
      expect(raw).not.toContain(stored.verificationCode);
    }
  });
});
