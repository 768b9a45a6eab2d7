import { describe, expect, it } from 'vitest';
import { failedEntries, packChunks } from '../../functions/payout/adapters/transaction-chunks';

describe('packing line writes into transactions', () => {
  it('fills each transaction up to the item limit, keeping room for the header, in order', () => {
    const entries = Array.from({ length: 250 }, (_, i) => i);
    const chunks = packChunks(entries, (i) => [`line-${i}`], 1);
    expect(chunks.map((c) => c.length)).toEqual([99, 99, 52]);
    expect(chunks.flat()).toEqual(entries);
  });

  it('counts every item an entry writes', () => {
    const chunks = packChunks([0, 1, 2, 3], (i) => [`line-${i}`, `payment-${i}`, `open-${i}`], 1, 10);
    expect(chunks).toEqual([[0, 1, 2], [3]]);
  });

  it('starts a new transaction rather than touch one item twice', () => {
    const keys = [
      ['line-a', 'pay-1'],
      ['line-b', 'pay-2'],
      ['line-c', 'pay-1'],
      ['line-d', 'pay-3'],
    ];
    const chunks = packChunks([0, 1, 2, 3], (i) => keys[i] as string[], 1);
    expect(chunks).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('refuses an entry larger than a transaction', () => {
    expect(() => packChunks([0], () => ['a', 'b', 'c'], 1, 3)).toThrow();
  });
});

describe('reading a cancelled transaction', () => {
  const none = { Code: 'None' };
  const failed = { Code: 'ConditionalCheckFailed' };

  it('names the entries whose own items failed their condition', () => {
    // Entries of 1, 2 and 2 items, then the header.
    const reasons = [none, none, failed, none, none, none];
    expect(failedEntries(reasons, [1, 2, 2])).toEqual(new Set([1]));
  });

  it('names none for a conflict alone', () => {
    expect(failedEntries([none, { Code: 'TransactionConflict' }, none], [1, 1])).toEqual(new Set());
  });

  it('cannot tell when the reasons are missing, short, or of another cause', () => {
    expect(failedEntries(undefined, [1, 1])).toBeUndefined();
    expect(failedEntries([failed], [1, 1])).toBeUndefined();
    expect(failedEntries([failed, { Code: 'ValidationError' }], [1, 1])).toBeUndefined();
  });
});
