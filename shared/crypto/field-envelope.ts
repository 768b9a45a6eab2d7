import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  type KeyringNode,
  NodeAlgorithmSuite,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import type { EncryptedField } from '../manifest';

/**
 * Where a sealed value belongs: the area's table, the field and the record. The table and
 * field form the encryption context (what KMS sees, logs in CloudTrail and IAM conditions
 * test); the record is sealed inside the authenticated payload, so a value copied into
 * another record, or into another field, fails to open.
 */
export interface FieldBinding {
  readonly field: EncryptedField;
  /** The record's id, e.g. the enrolment id. */
  readonly record: string;
}

/** The keys a process may use, as the keyring that wraps and unwraps data keys sees them. */
export interface FieldKeyrings {
  /** Id of the key new values are sealed under (a KMS key ARN; `local:<name>` locally). */
  readonly currentKeyId: string;
  /** Ids of every key that may still open values: the current one and those being retired. */
  readonly keyIds: readonly string[];
  /** Wraps new data keys under the current key only. */
  readonly encrypt: KeyringNode;
  /** Unwraps data keys under any key in `keyIds`. */
  readonly decrypt: KeyringNode;
}

/** Seals and opens single fields (bank accounts) by envelope encryption under the field keys. */
export interface FieldEnvelope {
  readonly currentKeyId: string;
  /** Encrypts under a fresh or cached data key wrapped by the current key. */
  seal(plain: string, binding: FieldBinding): Promise<string>;
  /** Decrypts, checking that the value belongs to this field of this record. */
  open(sealed: string, binding: FieldBinding): Promise<string>;
  /** The key a sealed value's data key is wrapped under, read from its header without any key. */
  keyIdOf(sealed: string): string;
}

/** A sealed value that is not one, belongs elsewhere, or that no key at hand can open. */
export class SealedFieldError extends Error {
  override readonly name = 'SealedFieldError';
}

const PREFIX = 'esdk1.';

/**
 * Committing AES-256-GCM with HKDF and no signature: writers and readers are the same
 * trusted service, so the ECDSA signature of the default suite would only cost time.
 */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/**
 * How long and for how many values a data key is reused. Without reuse every value would
 * cost a KMS call to seal and another to open: a batch of ten thousand lines, ten thousand
 * calls. With it, values sealed together share a data key, and opening them asks KMS once.
 */
export interface DataKeyCaching {
  readonly maxAgeMs: number;
  readonly maxMessagesEncrypted: number;
  /** Entries kept in memory (data keys, encrypt and decrypt side together). */
  readonly capacity: number;
}

export const DEFAULT_DATA_KEY_CACHING: DataKeyCaching = {
  maxAgeMs: 5 * 60_000,
  maxMessagesEncrypted: 10_000,
  capacity: 1_000,
};

const client = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  // One key wraps each data key; a message carrying more was not made here.
  maxEncryptedDataKeys: 1,
});

const { deserializeMessageHeader } = deserializeFactory(
  (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8'),
  NodeAlgorithmSuite,
);

/** The context KMS sees: the area's table and the field, never a person's data. */
const contextOf = (field: EncryptedField): Record<string, string> => {
  const [table = '', name = ''] = field.split('/');
  return { table, field: name };
};

/** Raw AES keyrings write `name ‖ tag bits ‖ IV length ‖ IV` as provider info; KMS the key ARN. */
const RAW_AES_SUFFIX_BYTES = 4 + 4 + 12;
export const LOCAL_KEY_NAMESPACE = 'jiahe-local-field-keys';

/** The key id of an encrypted data key, in the form `FieldKeyrings.keyIds` uses. */
function keyIdOfDataKey(edk: { providerId: string; providerInfo: string; rawInfo?: Uint8Array }): string {
  if (edk.providerId === LOCAL_KEY_NAMESPACE && edk.rawInfo) {
    const name = Buffer.from(edk.rawInfo.subarray(0, edk.rawInfo.byteLength - RAW_AES_SUFFIX_BYTES));
    return `local:${name.toString('utf8')}`;
  }
  return edk.providerInfo;
}

const Payload = {
  encode: (record: string, value: string) => JSON.stringify({ r: record, v: value }),
  decode(text: string): { r: string; v: string } {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'r' in parsed &&
      'v' in parsed &&
      typeof parsed.r === 'string' &&
      typeof parsed.v === 'string'
    ) {
      return { r: parsed.r, v: parsed.v };
    }
    throw new SealedFieldError('the sealed payload has an unknown shape');
  },
};

/**
 * Envelope encryption of fields with the AWS Encryption SDK: each value is an ESDK message
 * whose header carries the wrapped data key (hence the id of the key that wraps it) and the
 * encryption context. Data keys are cached (`caching`), so bulk work calls KMS per data
 * key, not per value. Opening checks the context and the record the value was sealed for.
 */
export function fieldEnvelope(
  keyrings: FieldKeyrings,
  caching: DataKeyCaching = DEFAULT_DATA_KEY_CACHING,
): FieldEnvelope {
  const cache = getLocalCryptographicMaterialsCache(caching.capacity);
  const manager = (keyring: KeyringNode, partition: string) =>
    new NodeCachingMaterialsManager({
      backingMaterials: keyring,
      cache,
      partition,
      maxAge: caching.maxAgeMs,
      maxMessagesEncrypted: caching.maxMessagesEncrypted,
    });
  const sealing = manager(keyrings.encrypt, `seal:${keyrings.currentKeyId}`);
  const opening = manager(keyrings.decrypt, `open:${keyrings.keyIds.join(',')}`);
  const known = new Set(keyrings.keyIds);

  const messageOf = (sealed: string): Buffer => {
    if (!sealed.startsWith(PREFIX)) throw new SealedFieldError('not a sealed field');
    return Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  };

  const keyIdOf = (sealed: string): string => {
    const header = deserializeMessageHeader(messageOf(sealed), { maxEncryptedDataKeys: 1 });
    const edk = header ? header.messageHeader.encryptedDataKeys[0] : undefined;
    if (!edk) throw new SealedFieldError('the sealed field has no readable header');
    return keyIdOfDataKey(edk);
  };

  return {
    currentKeyId: keyrings.currentKeyId,
    async seal(plain, binding) {
      const { result } = await client.encrypt(sealing, Payload.encode(binding.record, plain), {
        encryptionContext: contextOf(binding.field),
        suiteId: SUITE,
      });
      return PREFIX + result.toString('base64url');
    },
    async open(sealed, binding) {
      const keyId = keyIdOf(sealed);
      if (!known.has(keyId)) throw new SealedFieldError('the field is sealed under a key that is not in use');
      let plaintext: Buffer;
      let context: Readonly<Record<string, string>>;
      try {
        const out = await client.decrypt(opening, messageOf(sealed), { maxBodySize: 64 * 1024 });
        plaintext = out.plaintext;
        context = out.messageHeader.encryptionContext;
      } catch (error) {
        throw new SealedFieldError('the sealed field does not open', { cause: error });
      }
      for (const [k, v] of Object.entries(contextOf(binding.field))) {
        if (context[k] !== v) throw new SealedFieldError('the sealed value belongs to another field');
      }
      const payload = Payload.decode(plaintext.toString('utf8'));
      if (payload.r !== binding.record)
        throw new SealedFieldError('the sealed value belongs to another record');
      return payload.v;
    },
    keyIdOf,
  };
}
