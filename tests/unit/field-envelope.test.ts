import { randomBytes } from 'node:crypto';
import {
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { type FieldKeyrings, fieldEnvelope, SealedFieldError } from '../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment, localFieldKeyrings } from '../../shared/crypto/field-keys';

const key = () => randomBytes(32).toString('base64');
const A = key();
const B = key();
const binding = (record: string) => ({ field: 'payout/bank-account' as const, record });

/** Counts the wrap and unwrap calls that reach the keyring: what would be KMS calls in the cloud. */
class CountingKeyring extends KeyringNode {
  constructor(
    private readonly inner: KeyringNode,
    private readonly calls: { wrap: number; unwrap: number },
  ) {
    super();
  }
  override async _onEncrypt(material: NodeEncryptionMaterial) {
    this.calls.wrap += 1;
    return this.inner.onEncrypt(material);
  }
  override async _onDecrypt(material: NodeDecryptionMaterial, edks: Parameters<KeyringNode['onDecrypt']>[1]) {
    this.calls.unwrap += 1;
    return this.inner.onDecrypt(material, edks);
  }
}

describe('field envelope', () => {
  it('seals and opens a value; the sealed text shows neither the value nor the record', async () => {
    const envelope = fieldEnvelope(localFieldKeyrings({ current: 'a', keys: { a: A } }));
    const sealed = await envelope.seal('6228480000330106024', binding('01JRECORD0000000000000000A'));
    expect(sealed).not.toContain('6228480000330106024');
    expect(Buffer.from(sealed.slice(6), 'base64url').toString('latin1')).not.toContain('01JRECORD');
    expect(await envelope.open(sealed, binding('01JRECORD0000000000000000A'))).toBe('6228480000330106024');
    expect(envelope.keyIdOf(sealed)).toBe('local:a');
  });

  it('refuses a value moved to another record', async () => {
    const envelope = fieldEnvelope(localFieldKeyrings({ current: 'a', keys: { a: A } }));
    const sealed = await envelope.seal('6228480000330106024', binding('record-1'));
    await expect(envelope.open(sealed, binding('record-2'))).rejects.toThrow(SealedFieldError);
  });

  it('refuses a tampered value and one that is not sealed at all', async () => {
    const envelope = fieldEnvelope(localFieldKeyrings({ current: 'a', keys: { a: A } }));
    const sealed = await envelope.seal('6228480000330106024', binding('r'));
    const raw = Buffer.from(sealed.slice(6), 'base64url');
    raw[raw.length - 40] = (raw[raw.length - 40] ?? 0) ^ 1;
    await expect(envelope.open(`esdk1.${raw.toString('base64url')}`, binding('r'))).rejects.toThrow(
      SealedFieldError,
    );
    await expect(envelope.open('enc:v1:abc', binding('r'))).rejects.toThrow(SealedFieldError);
  });

  it('opens under a retiring key while sealing under the new one, and not once the key is gone', async () => {
    const underA = fieldEnvelope(localFieldKeyrings({ current: 'a', keys: { a: A } }));
    const rotating = fieldEnvelope(localFieldKeyrings({ current: 'b', keys: { a: A, b: B } }));
    const onlyB = fieldEnvelope(localFieldKeyrings({ current: 'b', keys: { b: B } }));
    const old = await underA.seal('old', binding('r'));
    const fresh = await rotating.seal('new', binding('r'));
    expect(rotating.keyIdOf(fresh)).toBe('local:b');
    expect(await rotating.open(old, binding('r'))).toBe('old');
    expect(await onlyB.open(fresh, binding('r'))).toBe('new');
    await expect(onlyB.open(old, binding('r'))).rejects.toThrow(SealedFieldError);
    await expect(underA.open(fresh, binding('r'))).rejects.toThrow(SealedFieldError);
  });

  it('reuses cached data keys: three hundred values cost one wrap and one unwrap', async () => {
    const base = localFieldKeyrings({ current: 'a', keys: { a: A } });
    const calls = { wrap: 0, unwrap: 0 };
    const counted: FieldKeyrings = {
      ...base,
      encrypt: new CountingKeyring(base.encrypt, calls),
      decrypt: new CountingKeyring(base.decrypt, calls),
    };
    const writer = fieldEnvelope(counted);
    const sealed = [];
    for (let i = 0; i < 300; i++) sealed.push(await writer.seal(`account ${i}`, binding(`record-${i}`)));
    expect(calls.wrap).toBe(1);
    // Another process (a fresh cache) opens them all with one unwrap of the shared data key.
    const reader = fieldEnvelope(counted);
    for (const [i, value] of sealed.entries())
      expect(await reader.open(value, binding(`record-${i}`))).toBe(`account ${i}`);
    expect(calls.unwrap).toBe(1);
    // Six hundred ESDK messages: seconds on a busy machine, not a speed check.
  }, 60_000);

  it('takes its keys from the environment: the local stand-in, or KMS key ARNs', () => {
    const local = fieldKeyringsFromEnvironment({
      LOCAL_FIELD_KEYS: JSON.stringify({ current: 'b', keys: { a: A, b: B } }),
    });
    expect(local.currentKeyId).toBe('local:b');
    expect(local.keyIds).toEqual(['local:a', 'local:b']);
    const arn = (id: string) => `arn:aws-cn:kms:cn-north-1:111122223333:key/${id}`;
    const kms = fieldKeyringsFromEnvironment({
      FIELD_KEY_ARN: arn('new'),
      RETIRING_FIELD_KEY_ARNS: `${arn('old')}, ${arn('older')}`,
    });
    expect(kms.currentKeyId).toBe(arn('new'));
    expect(kms.keyIds).toEqual([arn('new'), arn('old'), arn('older')]);
    expect(() => fieldKeyringsFromEnvironment({})).toThrow(/FIELD_KEY_ARN/);
    expect(() =>
      fieldKeyringsFromEnvironment({ LOCAL_FIELD_KEYS: JSON.stringify({ current: 'c', keys: { a: A } }) }),
    ).toThrow(/current field key/);
  });
});
