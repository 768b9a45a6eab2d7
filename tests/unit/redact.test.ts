import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newUlid } from '../../shared/domain/ids';
import { REDACTED, redactingReplacer, redactText } from '../../shared/observability/redact';
import { completeResidentId as residentId, validResidentId } from '../support/resident-ids';

const validId = validResidentId.map(({ id }) => id);

const log = (value: unknown): string => JSON.stringify(value, redactingReplacer);

// A header and payload that are not secrets themselves; only the shape matters.
const JWT = [
  Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url'),
  Buffer.from('{"sub":"u-1","cognito:groups":["registrar"]}').toString('base64url'),
  'c2lnbmF0dXJlLW5vdC1yZWFs',
].join('.');

describe('redactText', () => {
  it('redacts a resident ID in free text', () => {
    const id = residentId('33010619900101123');
    expect(redactText(`登记 ${id} 完成`)).toBe(`登记 ${REDACTED} 完成`);
    expect(redactText(`id=${id.toLowerCase()}`)).toBe(`id=${REDACTED}`);
  });

  it('hides the birth date of a resident ID written in space- or dash-separated groups', () => {
    // Ends in X, so the bank card pattern cannot take it; 6-8-4 groups as on printed forms.
    const endsInX = residentId('33010619900101123');
    expect(endsInX.endsWith('X')).toBe(true);
    for (const sep of [' ', '-']) {
      const grouped = `${endsInX.slice(0, 6)}${sep}${endsInX.slice(6, 14)}${sep}${endsInX.slice(14)}`;
      expect(redactText(`身份证号 ${grouped} 已登记`)).not.toContain(endsInX.slice(6, 14));
    }
    fc.assert(
      fc.property(validId, fc.constantFrom(' ', '-'), (id, sep) => {
        const grouped = `${id.slice(0, 6)}${sep}${id.slice(6, 14)}${sep}${id.slice(14)}`;
        const out = redactText(`身份证号 ${grouped} 已登记`);
        expect(out).not.toContain(grouped);
        expect(out).not.toContain(id.slice(6, 14));
      }),
    );
  });

  it.each([
    ['16 digits', '6222000011112222'],
    ['17 digits', '62220000111122223'],
    ['19 digits', '6222000011112222333'],
    ['grouped by spaces', '6222 0000 1111 2222'],
    ['grouped by spaces, 19 digits', '6222 0000 1111 2222 333'],
    ['grouped by dashes', '6222-0000-1111-2222'],
    ['grouped by dashes, 19 digits', '6222-0000-1111-2222-333'],
  ])('redacts a bank card number (%s)', (_, card) => {
    const out = redactText(`paid to card ${card}, thanks`);
    expect(out).toBe(`paid to card ${REDACTED}, thanks`);
    expect(out).not.toContain('1111');
  });

  it.each([
    ['10 digits', '6222000011'],
    ['12 digits', '622200001111'],
    ['21 digits, a settlement account', '330106010400001234567'],
    ['30 digits', '622200001111222233334444555566'],
    ['grouped in fours, 22 digits', '3301 0601 0400 0012 3456 78'],
  ])('redacts an account number (%s)', (_, account) => {
    const out = redactText(`开户账号 ${account}。`);
    expect(out).toBe(`开户账号 ${REDACTED}。`);
  });

  it('redacts any account number of 10 to 30 digits, grouped or not', () => {
    const digits = fc
      .integer({ min: 10, max: 30 })
      .chain((n) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(
        digits,
        fc.constantFrom('', ' ', '-'),
        fc.integer({ min: 3, max: 6 }),
        fc.constantFrom(' ', '：', ':', '，', '(', '"', '\n', '账号'),
        fc.constantFrom(' ', '。', ',', ')', '"', '\n', '已入账'),
        (ds, sep, group, open, close) => {
          const plain = ds.join('');
          const grouped = ds.map((d, k) => (k > 0 && k % group === 0 ? sep : '') + d).join('');
          const out = redactText(`paid${open}${grouped}${close}thanks`);
          expect(out).not.toContain(grouped);
          expect(out.replace(/\D/g, '')).not.toContain(plain);
        },
      ),
    );
  });

  it('keeps numbers shorter than an account (amounts, counts, dates, phone extensions)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), (n) => {
        expect(redactText(`sum ${n} fen`)).toBe(`sum ${n} fen`);
      }),
    );
  });

  it('redacts a bearer token', () => {
    const out = redactText('Authorization: Bearer abc.DEF-123_xyz~+/==');
    expect(out).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('auth bearer   s3cr3t-t0ken rest')).toBe(`auth Bearer ${REDACTED} rest`);
  });

  it('redacts a JWT wherever it appears', () => {
    expect(redactText(`token ${JWT} expired`)).toBe(`token ${REDACTED} expired`);
    const withBearer = redactText(`Bearer ${JWT}`);
    expect(withBearer).not.toContain('eyJ');
    expect(withBearer).not.toContain('c2lnbmF0dXJl');
  });

  it('keeps identifiers, timestamps, region codes and small numbers', () => {
    const keep = [
      '205aa255-6610-4405-9d34-32f944c9cd93',
      '12345678-1234-1234-1234-123456789012',
      '2026-01-31T16:30:00.000Z',
      '2026-01-31T16:30:00+08:00',
      newUlid(),
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'region 330106',
      'batch 2026-05 of 1234 payments, 98765 fen',
      'phone 0571-8888',
    ];
    for (const text of keep) expect(redactText(text), text).toBe(text);
  });

  it('keeps any UUID', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(redactText(`request ${uuid} done`)).toBe(`request ${uuid} done`);
      }),
    );
  });

  it('keeps any ULID', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), (ulid) => {
        expect(redactText(`event ${ulid}`)).toBe(`event ${ulid}`);
      }),
    );
  });

  it('keeps any ISO timestamp', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          expect(redactText(iso)).toBe(iso);
        },
      ),
    );
  });
});

describe('redactingReplacer', () => {
  it('redacts whatever a sensitive key holds', () => {
    const id = residentId('51010420010915468');
    const out = log({
      residentId: id,
      bankAccount: { bank: 'ICBC', number: '6222000011112222' },
      authorization: 'Basic dXNlcjpwYXNz',
      token: 12345,
      accessToken: ['a', 'b'],
      Authorization: 'anything at all',
      password: 'hunter2',
    });
    expect(JSON.parse(out)).toEqual({
      residentId: REDACTED,
      bankAccount: REDACTED,
      authorization: REDACTED,
      token: REDACTED,
      accessToken: REDACTED,
      Authorization: REDACTED,
      password: REDACTED,
    });
    expect(out).not.toContain(id);
    expect(out).not.toContain('ICBC');
    expect(out).not.toContain('dXNlcjpwYXNz');
    expect(out).not.toContain('hunter2');
  });

  it('redacts person references and names by key', () => {
    const out = log({
      personRef: 'pr1-9a8b7c',
      person_ref: 'x',
      name: '王芳',
      names: ['王芳', '李强'],
      holderName: '王芳',
      creditorName: '王芳',
      motherName: '王芳',
      fullName: '王芳',
      surname: '王',
      tableName: 'jiahe-33-payout',
      serviceName: 'payout-disburser',
      issuingRegionName: '西湖区',
    });
    expect(JSON.parse(out)).toEqual({
      personRef: REDACTED,
      person_ref: REDACTED,
      name: REDACTED,
      names: REDACTED,
      holderName: REDACTED,
      creditorName: REDACTED,
      motherName: REDACTED,
      fullName: REDACTED,
      surname: REDACTED,
      tableName: 'jiahe-33-payout',
      serviceName: 'payout-disburser',
      issuingRegionName: '西湖区',
    });
    expect(out).not.toContain('王芳');
  });

  it('never lets a value under a sensitive key through, at any depth and in any case', () => {
    const sensitiveKey = fc.constantFrom(
      'residentId',
      'resident_id',
      'idCard',
      'personRef',
      'bankAccount',
      'accountNumber',
      'holderName',
      'creditorName',
      'name',
      'fullName',
      'accessToken',
      'authorization',
      'password',
      'clientSecret',
    );
    const secret = fc.string({ minLength: 4, maxLength: 20 }).map((s) => `S3CR3T${s}`);
    const casing = fc.constantFrom(
      (k: string) => k,
      (k: string) => k.toUpperCase(),
      (k: string) => k[0]?.toUpperCase() + k.slice(1),
    );
    const payload = fc.oneof(
      secret,
      secret.map((s) => [s]),
      secret.map((s) => ({ value: s })),
      secret.map((s) => ({ deep: { deeper: [s] } })),
    );
    fc.assert(
      fc.property(
        sensitiveKey,
        casing,
        payload,
        fc.array(fc.constantFrom('body', 'detail', 'items', 'record'), { maxLength: 4 }),
        (key, cased, value, path) => {
          const nested = path.reduceRight<unknown>((inner, k) => ({ [k]: inner }), { [cased(key)]: value });
          const out = log(nested);
          expect(out).not.toContain('S3CR3T');
        },
      ),
    );
  });

  it('redacts sensitive keys at any depth', () => {
    const out = JSON.parse(log({ body: { person: { residentId: 'whatever' } }, items: [{ token: 't' }] }));
    expect(out).toEqual({ body: { person: { residentId: REDACTED } }, items: [{ token: REDACTED }] });
  });

  it('scrubs strings under ordinary keys and leaves other values alone', () => {
    const id = residentId('11010119851231002');
    const personId = newUlid();
    const value = {
      msg: `person ${id} recorded`,
      note: ['card 6222 0000 1111 2222'],
      personId,
      requestId: '205aa255-6610-4405-9d34-32f944c9cd93',
      time: '2026-01-31T16:30:00.000Z',
      hukouRegion: '330106',
      version: 3,
      amountFen: 120000,
      alive: true,
      deceased: null,
    };
    expect(JSON.parse(log(value))).toEqual({
      ...value,
      msg: `person ${REDACTED} recorded`,
      note: [`card ${REDACTED}`],
    });
  });

  it('writes bigints as strings instead of failing', () => {
    expect(log({ count: 5n })).toBe('{"count":"5"}');
  });

  it('never lets a resident ID embedded in text through', () => {
    const sep = fc.constantFrom(
      ' ',
      ':',
      '：',
      '，',
      ',',
      '"',
      "'",
      '(',
      ')',
      '\n',
      '\t',
      '=',
      '/',
      '_',
      '号',
      '#',
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        sep,
        validId,
        fc.boolean(),
        sep,
        fc.string({ unit: 'binary' }),
        (before, open, id, lower, close, after) => {
          const typed = lower ? id.toLowerCase() : id;
          const out = JSON.stringify({ msg: `${before}${open}${typed}${close}${after}` }, redactingReplacer);
          expect(out).not.toContain(id);
          expect(out).not.toContain(typed);
        },
      ),
    );
    // A hundred generated texts with every separator: seconds on a busy machine, not a speed check.
  }, 30_000);
});
