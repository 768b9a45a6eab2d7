import {
  KmsKeyringNode,
  MultiKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import * as z from 'zod';
import { type FieldKeyrings, LOCAL_KEY_NAMESPACE } from './field-envelope';

/** Environment variable with the ARN of the KMS key new values are sealed under. */
export const FIELD_KEY_ARN_ENV = 'FIELD_KEY_ARN';
/** Environment variable with the ARNs of retiring KMS keys (comma-separated): they still open. */
export const RETIRING_FIELD_KEY_ARNS_ENV = 'RETIRING_FIELD_KEY_ARNS';
/**
 * Environment variable carrying the local cloud's stand-in for KMS: AES wrapping keys that
 * the local cloud generates (and keeps with `--persist`). Never set by the CDK app.
 */
export const LOCAL_FIELD_KEYS_ENV = 'LOCAL_FIELD_KEYS';

/** The local stand-in for KMS: named 256-bit wrapping keys, one of them current. */
export const LocalFieldKeys = z.object({
  current: z.string().regex(/^[a-z0-9-]{1,64}$/),
  keys: z.record(
    z.string().regex(/^[a-z0-9-]{1,64}$/),
    z
      .string()
      .refine((k) => Buffer.from(k, 'base64').byteLength === 32, 'a wrapping key is 32 bytes, base64'),
  ),
});
export type LocalFieldKeys = z.infer<typeof LocalFieldKeys>;

/**
 * Keyrings over raw AES wrapping keys, standing in for KMS where KMS cannot run (the local
 * cloud and the tests). The ESDK message format is the same; only the wrapping differs.
 */
export function localFieldKeyrings(keys: LocalFieldKeys): FieldKeyrings {
  const parsed = LocalFieldKeys.parse(keys);
  if (!parsed.keys[parsed.current])
    throw new Error(`the current field key ${parsed.current} is not among the keys`);
  const keyring = (name: string, material: string) =>
    new RawAesKeyringNode({
      keyNamespace: LOCAL_KEY_NAMESPACE,
      keyName: name,
      unencryptedMasterKey: new Uint8Array(Buffer.from(material, 'base64')),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
  const all = Object.entries(parsed.keys);
  return {
    currentKeyId: `local:${parsed.current}`,
    keyIds: all.map(([name]) => `local:${name}`),
    encrypt: keyring(parsed.current, parsed.keys[parsed.current] as string),
    decrypt: new MultiKeyringNode({ children: all.map(([name, material]) => keyring(name, material)) }),
  };
}

/** Keyrings over KMS keys: data keys come from kms:GenerateDataKey and open with kms:Decrypt. */
export function kmsFieldKeyrings(
  currentKeyArn: string,
  retiringKeyArns: readonly string[] = [],
): FieldKeyrings {
  const keyIds = [currentKeyArn, ...retiringKeyArns.filter((arn) => arn !== currentKeyArn)];
  return {
    currentKeyId: currentKeyArn,
    keyIds,
    encrypt: new KmsKeyringNode({ generatorKeyId: currentKeyArn }),
    decrypt: new KmsKeyringNode({ keyIds }),
  };
}

/**
 * The field keyrings of this process: the local stand-in when the local cloud set one,
 * otherwise the KMS keys the CDK app named.
 */
export function fieldKeyringsFromEnvironment(env: NodeJS.ProcessEnv = process.env): FieldKeyrings {
  const local = env[LOCAL_FIELD_KEYS_ENV];
  if (local) return localFieldKeyrings(LocalFieldKeys.parse(JSON.parse(local)));
  const current = env[FIELD_KEY_ARN_ENV];
  if (!current) throw new Error(`${FIELD_KEY_ARN_ENV} is not set: this function has no field key`);
  const retiring = (env[RETIRING_FIELD_KEY_ARNS_ENV] ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn !== '');
  return kmsFieldKeyrings(current, retiring);
}
