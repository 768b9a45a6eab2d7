import { describe, expect, it } from 'vitest';
import { ExchangeMessage, messageType, parseMessageType } from '../../functions/exchange/domain/envelope';
import { provinceOfUrn, provinceUrn } from '../../shared/events/envelope';

const valid = {
  specversion: '1.0',
  id: '01KAQ3ZJ8M4W6T9RZ5XH2C7B1D',
  source: 'urn:cn:gov:330000:jiahe',
  type: 'cn.gov.jiahe.birth.registered.v1',
  time: '2026-11-22T09:00:00Z',
  subject: 'BR-330106-2026-000123',
  datacontenttype: 'application/json',
  data: { birthDate: '2026-11-20' },
  recipient: 'urn:cn:gov:510000:jiahe',
  sequence: '42',
};

const issuesOf = (value: unknown): string[] => {
  const result = ExchangeMessage.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('exchange envelope', () => {
  it('accepts a well-formed message, with or without correlationid', () => {
    expect(ExchangeMessage.parse(valid)).toEqual(valid);
    expect(issuesOf({ ...valid, correlationid: '01KAQ40000000000000000000A' })).toEqual([]);
    expect(issuesOf({ ...valid, type: 'cn.gov.jiahe.benefit.enrollment-conflict.v12' })).toEqual([]);
    expect(issuesOf({ ...valid, time: '2026-11-22T17:00:00+08:00' })).toEqual([]);
  });

  it('refuses a subject that looks like a resident ID', () => {
    for (const subject of ['11010519491231002X', '110105194912310021', 'case-11010519491231002x-1']) {
      expect(issuesOf({ ...valid, subject })).toEqual(['subject']);
    }
    expect(issuesOf({ ...valid, subject: '' })).toEqual(['subject']);
    expect(issuesOf({ ...valid, subject: 'x'.repeat(129) })).toEqual(['subject']);
    expect(issuesOf({ ...valid, subject: '1101051949123100' })).toEqual([]);
  });

  it('refuses a bad source or recipient', () => {
    for (const source of [
      'urn:cn:gov:33:jiahe',
      'urn:cn:gov:330000:jiahe:registry',
      'https://33.example',
      '',
    ]) {
      expect(issuesOf({ ...valid, source })).toEqual(['source']);
    }
    expect(issuesOf({ ...valid, recipient: 'urn:cn:gov:51000:jiahe' })).toEqual(['recipient']);
    expect(issuesOf({ ...valid, recipient: undefined })).toEqual(['recipient']);
  });

  it('refuses other malformed fields', () => {
    expect(issuesOf({ ...valid, specversion: '0.3' })).toEqual(['specversion']);
    expect(issuesOf({ ...valid, id: 'not-a-ulid' })).toEqual(['id']);
    expect(issuesOf({ ...valid, type: 'cn.gov.jiahe.birth.registered' })).toEqual(['type']);
    expect(issuesOf({ ...valid, type: 'com.example.birth.v1' })).toEqual(['type']);
    expect(issuesOf({ ...valid, time: 'yesterday' })).toEqual(['time']);
    expect(issuesOf({ ...valid, datacontenttype: 'text/plain' })).toEqual(['datacontenttype']);
    expect(issuesOf({ ...valid, data: [1, 2] })).toEqual(['data']);
    expect(issuesOf({ ...valid, correlationid: 'x' })).toEqual(['correlationid']);
    for (const sequence of ['0', '-1', '1.5', '01', 'one', '99999999999999999']) {
      expect(issuesOf({ ...valid, sequence })).toEqual(['sequence']);
    }
  });

  it('builds and reads province URNs and types', () => {
    expect(provinceUrn('33')).toBe('urn:cn:gov:330000:jiahe');
    expect(provinceOfUrn('urn:cn:gov:510000:jiahe')).toBe('51');
    expect(provinceOfUrn('urn:cn:gov:51:jiahe')).toBeUndefined();
    expect(parseMessageType('cn.gov.jiahe.birth.registered.v1')).toEqual({
      name: 'birth.registered',
      major: 1,
    });
    expect(parseMessageType('cn.gov.jiahe.birth.v0')).toBeUndefined();
    expect(messageType('ack')).toBe('cn.gov.jiahe.ack.v1');
  });
});
