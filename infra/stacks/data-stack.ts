import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { AppendOnlyRecord, AreaManifest, AreaName, SecretName, TableName } from '../../shared/manifest';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { FieldKeys } from '../constructs/field-keys';
import { GeneratedSecret } from '../constructs/generated-secret';
import { mustGet } from '../constructs/lookup';
import type { ManifestPlan } from '../constructs/manifest-plan';
import { acknowledge } from '../constructs/nag';
import {
  keyAlias,
  pascal,
  queuePhysicalName,
  secretPhysicalName,
  tablePhysicalName,
} from '../constructs/names';
import { ProtectedTable } from '../constructs/protected-table';
import { WorkQueue } from '../constructs/work-queue';

export interface DataStackProps extends StackProps {
  readonly province: string;
  readonly manifests: readonly AreaManifest[];
  readonly plan: ManifestPlan;
  /** Field-key generations in use, ascending, the last current (CDK context `field-keys`). */
  readonly fieldKeyGenerations?: readonly number[];
}

/** What each secret the manifests may name is, and why it is not rotated automatically. */
const SECRETS: Readonly<
  Record<SecretName, { description: string; noRotationReason: string; operatorSuppliedPlaceholder?: string }>
> = {
  'resident-id-hash-key': {
    description:
      'HMAC key for looking up resident ID numbers by keyed hash (the numbers are never stored in clear)',
    noRotationReason:
      'Keyed-hash key: records are found by HMAC(key, resident ID), so a new key means re-hashing every ' +
      'stored record. Rotation is a planned operation in the operations runbook (look up under both keys ' +
      'while re-hashing), not an automatic schedule.',
  },
  'resident-id-encryption-key': {
    description: 'AES-256-GCM key material for resident ID numbers stored inside registry records',
    noRotationReason:
      'Field-encryption key: every stored resident ID is encrypted under it, so a new key means re-encrypting ' +
      'those fields. Rotation is a planned operation in the operations runbook (decrypt with either key while ' +
      're-encrypting), not an automatic schedule.',
  },
  'person-ref-key': {
    description:
      'HMAC key of cross-province person references, the same in every province: operators replace the ' +
      'generated value with the one issued nationally before the exchange is enabled',
    noRotationReason:
      'Shared by every province: partners match people by HMAC(key, resident ID), so it changes only by ' +
      "national agreement, in a planned operation (docs/deployment.md), never on one province's schedule.",
  },
  'exchange-signing-keys': {
    description: "This province's Ed25519 signing keys for exchange messages and receipts (JSON, private)",
    noRotationReason:
      'Rotated by the exchange key-rotation procedure (docs/exchange-protocol.md): a new key is published in ' +
      'the JWKS and signs beside the old one during the overlap, which an automatic rotation cannot do.',
    // A key set in a set format (docs/deployment.md), not a random string: created empty, put in by an operator.
    operatorSuppliedPlaceholder: '{"keys":[]}',
  },
  'payout-encryption-key': {
    description:
      'Former AES-256-GCM key material of bank accounts, before envelope encryption under the KMS field ' +
      'keys; read only by the re-sealing function, to move accounts still sealed under it onto a field key',
    noRotationReason:
      'Retired field-encryption key: nothing new is sealed under it, and the re-sealing function moves ' +
      'what remains onto the KMS field keys (docs/operations.md, key rotation); then it is deleted.',
  },
  'payout-fingerprint-key': {
    description: 'HMAC key of bank account fingerprints on payout enrolments and payment lines',
    noRotationReason:
      'Keyed-hash key: payment lines compare the fingerprint of their account with the last paid one, so a ' +
      'new key means re-fingerprinting enrolments while the old lines age out. Rotation is a planned ' +
      'operation in the operations runbook, not an automatic schedule.',
  },
  'payout-bank-client': {
    description:
      "This province's client certificate and private key (JSON, PEM) for the bank's mutual-TLS host-to-host channel",
    noRotationReason:
      'Issued by the bank, not generated here: a new certificate is requested from the bank and put in by ' +
      'an operator before the old one expires (certificate rotation in docs/operations.md).',
    // Issued by the bank (docs/deployment.md): created with a placeholder, put in by an operator.
    operatorSuppliedPlaceholder: '{}',
  },
  'payout-bank-ca': {
    description:
      "The bank's CA certificates (PEM): its TLS server certificate and report-signing certificate must chain to one",
    noRotationReason:
      'Public certificates published by the bank; they change when the bank rotates its CA, and an operator ' +
      'lists old and new side by side during the overlap (docs/operations.md).',
    operatorSuppliedPlaceholder: '-----NO CERTIFICATE YET-----',
  },
  'cursor-key': {
    description: 'AES-256-GCM key material that seals the page cursors of list routes',
    noRotationReason:
      'Replacing it only makes the cursors handed out before the change answer 400 invalid-cursor (clients ' +
      'start the list again); an operator replaces it when needed (docs/operations.md), no schedule is needed.',
  },
};

/**
 * Everything stateful: tables, queues, secrets and their keys. Kept apart from the
 * functions so those can be redeployed, replaced or removed freely. Queues live here too
 * (docs/adr/0001-queues-in-data-stack.md): areas send to each other's queues, so queues
 * inside area stacks would make the stacks depend on each other in a cycle.
 */
export class DataStack extends Stack {
  readonly tables: ReadonlyMap<TableName, ProtectedTable>;
  /** Append-only records per table, as the manifests declare them. */
  readonly appendOnly: ReadonlyMap<TableName, readonly AppendOnlyRecord[]>;
  readonly queues: ReadonlyMap<string, WorkQueue>;
  readonly streamDeadLetters: ReadonlyMap<AreaName, DeadLetterQueue>;
  readonly secrets: ReadonlyMap<SecretName, GeneratedSecret>;
  /** The KMS keys of sealed fields; absent when no function seals or opens any. */
  readonly fieldKeys?: FieldKeys;
  /** Encrypts every queue and dead-letter queue. */
  readonly messagingKey: Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { province, manifests, plan } = props;

    const tables = new Map<TableName, ProtectedTable>();
    for (const m of manifests) {
      tables.set(
        m.area,
        new ProtectedTable(this, `${pascal(m.area)}Table`, {
          tableName: tablePhysicalName(province, m.area),
          partitionKey: 'pk',
          sortKey: 'sk',
          indexes: m.table.indexes,
          keysOnly: m.table.keysOnly ?? [],
          stream: m.table.stream,
          timeToLiveAttribute: 'expiresAt',
          keyAlias: keyAlias(province, `${m.area}-table`),
          description: `records of the ${m.area} area`,
        }),
      );
    }
    // Layout fixed by Powertools idempotency: partition key `id`, TTL attribute `expiration`.
    tables.set(
      'idempotency',
      new ProtectedTable(this, 'IdempotencyTable', {
        tableName: tablePhysicalName(province, 'idempotency'),
        partitionKey: 'id',
        indexes: [],
        keysOnly: [],
        stream: false,
        timeToLiveAttribute: 'expiration',
        keyAlias: keyAlias(province, 'idempotency-table'),
        description: 'idempotency records (hashes of requests and their stored responses)',
      }),
    );
    this.tables = tables;
    this.appendOnly = new Map(manifests.map((m) => [m.area, m.table.appendOnly ?? []]));

    this.messagingKey = new Key(this, 'MessagingKey', {
      alias: keyAlias(province, 'messaging'),
      description: 'Encrypts the SQS queues and dead-letter queues of jiahe',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const queues = new Map<string, WorkQueue>();
    for (const { spec } of plan.queues) {
      queues.set(
        spec.name,
        new WorkQueue(this, `${pascal(spec.name)}Queue`, {
          spec,
          queueName: queuePhysicalName(province, spec.name),
          encryptionKey: this.messagingKey,
        }),
      );
    }
    this.queues = queues;

    const streamDeadLetters = new Map<AreaName, DeadLetterQueue>();
    for (const area of plan.streamSubscribedAreas) {
      const dlq = new DeadLetterQueue(this, `${pascal(area)}StreamDeadLetter`, {
        queueName: queuePhysicalName(province, `${area}-stream-dlq`),
        encryptionKey: this.messagingKey,
        purpose: `${area} table stream records its subscribers failed to process after all retries`,
      });
      acknowledge(
        dlq.queue,
        'AwsSolutions-SQS3',
        'This queue is itself a dead-letter destination (the on-failure target of a DynamoDB stream ' +
          'event source mapping); it is alarmed and replayed by an operator, and a DLQ of a DLQ adds nothing.',
      );
      streamDeadLetters.set(area, dlq);
    }
    this.streamDeadLetters = streamDeadLetters;

    const secrets = new Map<SecretName, GeneratedSecret>();
    if (plan.secrets.length > 0) {
      const secretsKey = new Key(this, 'SecretsKey', {
        alias: keyAlias(province, 'secrets'),
        description: 'Encrypts the Secrets Manager secrets of jiahe',
        enableKeyRotation: true,
        pendingWindow: Duration.days(30),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const name of plan.secrets) {
        secrets.set(
          name,
          new GeneratedSecret(this, `${pascal(name)}Secret`, {
            secretName: secretPhysicalName(province, name),
            encryptionKey: secretsKey,
            ...SECRETS[name],
          }),
        );
      }
    }
    this.secrets = secrets;

    if (manifests.some((m) => m.functions.some((fn) => (fn.fieldKeys ?? []).length > 0))) {
      this.fieldKeys = new FieldKeys(this, 'FieldKeys', {
        province,
        generations: props.fieldKeyGenerations ?? [1],
      });
    }
  }

  /** The field keys; throws when no manifest function uses them. */
  requireFieldKeys(): FieldKeys {
    if (!this.fieldKeys) throw new Error('no function uses the field keys, so the data stack has none');
    return this.fieldKeys;
  }

  /** The table a manifest names; throws for names no manifest declared. */
  table(name: TableName): ProtectedTable {
    return mustGet(this.tables, name, 'table');
  }

  /** The queue a manifest names; throws for names no manifest declared. */
  queue(name: string): WorkQueue {
    return mustGet(this.queues, name, 'queue');
  }

  /** Where an area's stream subscribers send records they gave up on. */
  streamDeadLetter(area: AreaName): DeadLetterQueue {
    return mustGet(this.streamDeadLetters, area, 'stream dead-letter queue');
  }

  /** The secret a manifest names. */
  secret(name: SecretName): GeneratedSecret {
    return mustGet(this.secrets, name, 'secret');
  }
}
