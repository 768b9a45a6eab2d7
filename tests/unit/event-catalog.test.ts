import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_RECORDED, parseDomainEvent, UnknownEventError } from '../../shared/events/catalog';
import { eventSource } from '../../shared/events/envelope';

const personId = newUlid();

const data = {
  personId,
  version: 3,
  sex: 'male',
  birthDate: '1958-11-20',
  alive: true,
  hukouRegion: '330106',
  residenceRegion: '510104',
};

const envelope = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  specversion: '1.0',
  id: newUlid(),
  source: eventSource('33', 'registry'),
  type: PERSON_RECORDED,
  time: '2026-06-01T02:00:00.000Z',
  subject: personId,
  datacontenttype: 'application/json',
  data,
  ...overrides,
});

const without = (key: string): Record<string, unknown> => {
  const { [key]: _, ...rest } = envelope();
  return rest;
};

const raw = (value: unknown): string => JSON.stringify(value);

describe('parseDomainEvent', () => {
  it('accepts a well-formed person.recorded event', () => {
    const sent = envelope();
    const event = parseDomainEvent(raw(sent));
    expect(event).toEqual(sent);
    expect(event.type).toBe('cn.gov.jiahe.person.recorded.v1');
    expect(event.source).toBe('urn:cn:gov:330000:jiahe:registry');
  });

  it('drops data fields the schema does not know, so nothing extra travels on', () => {
    const event = parseDomainEvent(raw(envelope({ data: { ...data, name: '张三', note: 'x' } })));
    expect(event.data).toEqual(data);
    expect(Object.keys(event.data)).not.toContain('name');
  });

  it('refuses a type that is not in the catalog', () => {
    const type = 'cn.gov.jiahe.person.deleted.v1';
    let caught: unknown;
    try {
      parseDomainEvent(raw(envelope({ type })));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownEventError);
    expect((caught as UnknownEventError).eventType).toBe(type);
  });

  it('refuses a later major version of a known type', () => {
    expect(() => parseDomainEvent(raw(envelope({ type: 'cn.gov.jiahe.person.recorded.v2' })))).toThrow(
      UnknownEventError,
    );
  });

  it.each([
    ['an id that is not a ULID', envelope({ id: 'evt-1' })],
    ['a lower-case ULID', envelope({ id: newUlid().toLowerCase() })],
    ['no specversion', without('specversion')],
    ['another specversion', envelope({ specversion: '0.3' })],
    ['no id', without('id')],
    ['no time', without('time')],
    ['a time that is not ISO', envelope({ time: '01/06/2026 10:00' })],
    ['a foreign source', envelope({ source: 'https://example.org/registry' })],
    ['a type outside the jiahe namespace', envelope({ type: 'com.example.person.recorded.v1' })],
    ['an empty subject', envelope({ subject: '' })],
    ['another content type', envelope({ datacontenttype: 'application/xml' })],
    ['an array instead of an object', [envelope()]],
    ['null', null],
  ])('refuses a malformed envelope: %s', (_, value) => {
    expect(() => parseDomainEvent(raw(value))).toThrow(z.ZodError);
  });

  it.each([
    ['version 0', { ...data, version: 0 }],
    ['a fractional version', { ...data, version: 1.5 }],
    ['a version as text', { ...data, version: '3' }],
    ['an unknown sex', { ...data, sex: 'unknown' }],
    ['a birth date that is not a date', { ...data, birthDate: '20-11-1958' }],
    ['a region that is not six digits', { ...data, hukouRegion: '33010' }],
    ['a personId that is not a ULID', { ...data, personId: 'p-1' }],
    ['no alive flag', { ...data, alive: undefined }],
    ['no data', undefined],
  ])('refuses data that does not match the schema: %s', (_, value) => {
    const error = (() => {
      try {
        parseDomainEvent(raw(envelope({ data: value })));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(z.ZodError);
  });

  it.each(['', 'not json', '{"specversion":"1.0",', "{'specversion':'1.0'}"])(
    'refuses text that is not JSON: %j',
    (text) => {
      expect(() => parseDomainEvent(text)).toThrow(SyntaxError);
    },
  );
});
