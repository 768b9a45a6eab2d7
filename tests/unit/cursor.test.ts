import { describe, expect, it } from 'vitest';
import { cursorSealer, decodeCursor, encodeCursor, pageCursors, pageOfList } from '../../shared/http/cursor';
import { HttpError } from '../../shared/http/problem';

const sealer = cursorSealer('k'.repeat(64));
const position = encodeCursor({ pk: 'ENROLLMENT#01J', sk: 'ENROLLMENT', gsi1pk: 'ESTATUS#active' });
const route = 'GET /v1/enrollments';
const caller = '["officer-1",["payout-officer"],"3301"]';
const filters = { status: 'active', scheme: 'RFJ', region: '3301' };

const refusal = (open: () => unknown): HttpError => {
  try {
    open();
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected the cursor to be refused');
};

describe('sealed cursors', () => {
  it('opens what it sealed for the same route, caller and filters', () => {
    const sealed = sealer.seal(position, { route, caller, filters });
    expect(sealer.open(sealed, { route, caller, filters: { ...filters } })).toBe(position);
    // Filter order and undefined filters do not matter.
    const reordered = { region: '3301', scheme: 'RFJ', status: 'active', state: undefined };
    expect(sealer.open(sealed, { route, caller, filters: reordered })).toBe(position);
  });

  it('shows no table key and no login', () => {
    const sealed = sealer.seal(position, { route, caller, filters }) as string;
    const bytes = Buffer.from(sealed, 'base64url').toString('latin1');
    for (const visible of ['ENROLLMENT', 'officer-1', 'pk', 'active']) expect(bytes).not.toContain(visible);
  });

  it.each([
    ['another filter', { route, caller, filters: { ...filters, region: '330106' } }],
    ['a missing filter', { route, caller, filters: { status: 'active', scheme: 'RFJ' } }],
    ['another caller', { route, caller: '["officer-2",["payout-officer"],"3301"]', filters }],
    ['another route', { route: 'GET /v1/birth-registrations', caller, filters }],
  ])('refuses a replay with %s: 400 invalid-cursor', (_what, binding) => {
    const sealed = sealer.seal(position, { route, caller, filters });
    const error = refusal(() => sealer.open(sealed, binding));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    expect(error.slug).toBe('invalid-cursor');
  });

  it('refuses a tampered, truncated, foreign or unsealed cursor', () => {
    const sealed = sealer.seal(position, { route, caller, filters }) as string;
    const flipped = `${sealed.slice(0, 30)}${sealed[30] === 'A' ? 'B' : 'A'}${sealed.slice(31)}`;
    const foreign = cursorSealer('z'.repeat(64)).seal(position, { route, caller, filters });
    for (const bad of [flipped, sealed.slice(0, 20), foreign, position, 'not a cursor', '', '%%%']) {
      expect(refusal(() => sealer.open(bad, { route, caller, filters })).slug).toBe('invalid-cursor');
    }
  });

  it('passes first pages and last pages through', () => {
    const cursors = pageCursors(sealer, route, caller);
    expect(cursors.open(undefined, filters)).toBeUndefined();
    expect(cursors.seal(undefined, filters)).toBeUndefined();
    expect(cursors.open(cursors.seal(position, filters), filters)).toBe(position);
  });

  it('refuses a key too short to be a secret', () => {
    expect(() => cursorSealer('short')).toThrow();
  });
});

describe('page positions', () => {
  it('round-trip a key and refuse what is not one', () => {
    expect(decodeCursor(encodeCursor({ pk: 'a', n: 1 }))).toEqual({ pk: 'a', n: 1 });
    expect(refusal(() => decodeCursor(Buffer.from('[1]').toString('base64url'))).slug).toBe('invalid-cursor');
  });
});

describe('pageOfList: pages of a list read whole', () => {
  const ids = ['05', '04', '03', '02', '01'];
  const key = (id: string) => id;

  it('walks the list in order, each item once, and ends without a position', () => {
    const first = pageOfList(ids, key, 'descending', 2);
    expect(first).toEqual({ items: ['05', '04'], next: '04' });
    const second = pageOfList(ids, key, 'descending', 2, first.next);
    expect(second).toEqual({ items: ['03', '02'], next: '02' });
    expect(pageOfList(ids, key, 'descending', 2, second.next)).toEqual({ items: ['01'] });
    expect(pageOfList(ids, key, 'descending', 5)).toEqual({ items: ids });
  });

  it('neither repeats nor skips when the item at the position is gone, in either order', () => {
    expect(pageOfList(['05', '03', '02'], key, 'descending', 2, '04')).toEqual({ items: ['03', '02'] });
    expect(pageOfList(['01', '02', '04'], key, 'ascending', 1, '03')).toEqual({ items: ['04'] });
  });
});
