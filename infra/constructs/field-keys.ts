import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { keyAlias } from './names';

/**
 * The generations of the field keys a deployment holds, from CDK context `field-keys`
 * (`1`, or `1,2` while rotating from generation 1 to 2): ascending, the last one current,
 * the others retiring (they still open, never seal). Without the context, generation 1.
 */
export function parseFieldKeyGenerations(value: unknown): number[] {
  if (value === undefined || value === null || value === '') return [1];
  const text = String(value);
  const generations = text.split(',').map((part) => Number(part.trim()));
  const ascending = generations.every(
    (g, i) => Number.isInteger(g) && g >= 1 && (i === 0 || g > (generations[i - 1] ?? 0)),
  );
  if (generations.length === 0 || !ascending) {
    throw new Error(
      `Context "field-keys" is "${text}": give the field-key generations in use, ascending and comma-separated, ` +
        'the last one current (e.g. -c field-keys=1,2 while rotating from 1 to 2)',
    );
  }
  return generations;
}

export interface FieldKeysProps {
  readonly province: string;
  readonly generations: readonly number[];
}

/**
 * Customer-managed KMS keys that wrap the data keys of sealed fields (bank accounts), one
 * per generation. KMS rotates each key's material yearly by itself (same key id, old
 * material kept); a new generation is for replacing a key outright, e.g. when it may have
 * been exposed, and the re-sealing function moves every value onto it. Retained on
 * removal: a key dropped from `field-keys` leaves the template but not the account, until
 * an operator schedules its deletion (docs/operations.md).
 */
export class FieldKeys extends Construct {
  readonly current: Key;
  readonly retiring: readonly Key[];

  constructor(scope: Construct, id: string, props: FieldKeysProps) {
    super(scope, id);
    const keys = props.generations.map(
      (generation) =>
        new Key(this, `Generation${generation}`, {
          alias: keyAlias(props.province, `field-key-${generation}`),
          description: `Wraps the data keys of sealed fields (bank accounts), generation ${generation}`,
          enableKeyRotation: true,
          pendingWindow: Duration.days(30),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    this.current = keys[keys.length - 1] as Key;
    this.retiring = keys.slice(0, -1);
  }
}
