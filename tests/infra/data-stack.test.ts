import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { type CfnResource, resourcesOf, type Synthesized, synthesize } from './support';

describe('data stack (province 33)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33');
  }, 120_000);
  afterAll(() => synth?.cleanup());

  const dataResources = (type: string): [string, CfnResource][] =>
    resourcesOf(synth, type, [synth.stacks.data]);
  const tableNamed = (name: string): CfnResource => {
    const found = dataResources('AWS::DynamoDB::Table').find(([, t]) => t.Properties.TableName === name);
    if (!found) throw new Error(`no table ${name}`);
    return found[1];
  };

  it('has one table per area plus the idempotency table, and no tables elsewhere', () => {
    const names = dataResources('AWS::DynamoDB::Table').map(([, t]) => t.Properties.TableName);
    expect(names.sort()).toEqual(
      [...manifests.map((m) => `jiahe-p33-${m.area}`), 'jiahe-p33-idempotency'].sort(),
    );
    expect(resourcesOf(synth, 'AWS::DynamoDB::Table').length).toBe(names.length);
  });

  it('protects every table: PITR, deletion protection, RETAIN, on-demand, its own rotated CMK', () => {
    const keys = new Map(dataResources('AWS::KMS::Key').map(([id, key]) => [id.split('/')[1], key]));
    for (const [id, table] of dataResources('AWS::DynamoDB::Table')) {
      expect(table.Properties.PointInTimeRecoverySpecification, id).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.Properties.DeletionProtectionEnabled, id).toBe(true);
      expect(table.DeletionPolicy, id).toBe('Retain');
      expect(table.UpdateReplacePolicy, id).toBe('Retain');
      expect(table.Properties.BillingMode, id).toBe('PAY_PER_REQUEST');
      const sse = table.Properties.SSESpecification as {
        SSEEnabled: boolean;
        SSEType: string;
        KMSMasterKeyId: unknown;
      };
      expect(sse.SSEEnabled && sse.SSEType, id).toBe('KMS');
      const keyId = (sse.KMSMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(keys.get(keyId)?.Properties.EnableKeyRotation, id).toBe(true);
    }
    const keyIds = dataResources('AWS::DynamoDB::Table').map(
      ([, t]) =>
        (t.Properties.SSESpecification as { KMSMasterKeyId: { 'Fn::GetAtt': [string] } }).KMSMasterKeyId[
          'Fn::GetAtt'
        ][0],
    );
    expect(new Set(keyIds).size).toBe(keyIds.length);
  });

  it('keys area tables pk/sk with the manifest GSIs, TTL expiresAt and streams as declared', () => {
    for (const m of manifests) {
      const table = tableNamed(`jiahe-p33-${m.area}`);
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexes = (table.Properties.GlobalSecondaryIndexes ?? []) as {
        IndexName: string;
        KeySchema: unknown;
        Projection: { ProjectionType: string };
      }[];
      expect(indexes.map((i) => i.IndexName)).toEqual([...m.table.indexes]);
      for (const index of indexes) {
        expect(index.KeySchema).toEqual([
          { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
          { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
        ]);
        const keysOnly = m.table.keysOnly?.includes(index.IndexName) ?? false;
        expect(index.Projection.ProjectionType).toBe(keysOnly ? 'KEYS_ONLY' : 'ALL');
      }
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(table.Properties.StreamSpecification).toEqual(
        m.table.stream ? { StreamViewType: 'NEW_AND_OLD_IMAGES' } : undefined,
      );
    }
  });

  it('projects keys only on the index of payment lines, which change state after they are written', () => {
    const payout = tableNamed('jiahe-p33-payout');
    const lines = (
      payout.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[]
    ).find((i) => i.IndexName === 'gsi4');
    expect(lines?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });

  it('lays out the idempotency table as Powertools expects', () => {
    const table = tableNamed('jiahe-p33-idempotency');
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('creates every manifest queue, KMS-encrypted, with a redrive policy to an alarmed DLQ', () => {
    const queues = dataResources('AWS::SQS::Queue');
    const byName = new Map(
      queues.map(([id, q]) => [q.Properties.QueueName, { id: id.split('/')[1] as string, q }]),
    );
    const alarms = dataResources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const alarmedQueue = (logicalId: string): boolean =>
      alarms.some(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          a.Threshold === 0 &&
          a.ComparisonOperator === 'GreaterThanThreshold' &&
          JSON.stringify(a.Dimensions).includes(`"${logicalId}"`),
      );
    for (const spec of manifests.flatMap((m) => m.queues)) {
      const main = byName.get(`jiahe-p33-${spec.name}`);
      const dlq = byName.get(`jiahe-p33-${spec.name}-dlq`);
      if (!main || !dlq) throw new Error(`queue ${spec.name} or its DLQ is missing`);
      expect(main.q.Properties.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
      expect(main.q.Properties.MessageRetentionPeriod).toBe(spec.retentionDays * 86_400);
      expect(main.q.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
        maxReceiveCount: spec.maxReceiveCount,
      });
      expect(dlq.q.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
      expect(alarmedQueue(dlq.id), `${spec.name}-dlq alarm`).toBe(true);
    }
    for (const [id, queue] of queues) {
      expect(queue.Properties.KmsMasterKeyId, id).toBeDefined();
      expect(queue.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('enforces TLS on every queue', () => {
    const policies = dataResources('AWS::SQS::QueuePolicy').map(([, p]) => JSON.stringify(p.Properties));
    for (const [id] of dataResources('AWS::SQS::Queue')) {
      const logicalId = id.split('/')[1] as string;
      expect(
        policies.some(
          (p) => p.includes(`"Ref":"${logicalId}"`) && p.includes('"aws:SecureTransport":"false"'),
        ),
        id,
      ).toBe(true);
    }
  });

  it('gives each table with a stream subscriber an alarmed stream DLQ', () => {
    const subscribed = manifests.filter((m) => m.functions.some((fn) => fn.stream));
    expect(subscribed.length).toBeGreaterThan(0);
    const queues = dataResources('AWS::SQS::Queue');
    const alarms = JSON.stringify(dataResources('AWS::CloudWatch::Alarm'));
    for (const m of subscribed) {
      const found = queues.find(([, q]) => q.Properties.QueueName === `jiahe-p33-${m.area}-stream-dlq`);
      if (!found) throw new Error(`no stream DLQ for ${m.area}`);
      expect(found[1].Properties.KmsMasterKeyId).toBeDefined();
      expect(alarms).toContain(`"${found[0].split('/')[1]}"`);
    }
  });

  it('creates each manifest secret under a CMK, retained, generated unless an operator supplies it', () => {
    const names = new Set(manifests.flatMap((m) => m.functions.flatMap((fn) => fn.secrets ?? [])));
    const secrets = dataResources('AWS::SecretsManager::Secret');
    expect(secrets.map(([, s]) => s.Properties.Name).sort()).toEqual(
      [...names].map((n) => `jiahe/p33/${n}`).sort(),
    );
    for (const [id, secret] of secrets) {
      expect(secret.Properties.KmsKeyId, id).toBeDefined();
      // The exchange key set has a format and the bank issues the channel's certificates: an
      // operator puts them in over a placeholder.
      const operatorSupplied = ['exchange-signing-keys', 'payout-bank-client', 'payout-bank-ca'];
      if (operatorSupplied.some((name) => String(secret.Properties.Name).endsWith(`/${name}`))) {
        expect(secret.Properties.GenerateSecretString, id).toBeUndefined();
      } else {
        expect(secret.Properties.GenerateSecretString, id).toMatchObject({ PasswordLength: 64 });
      }
      expect(secret.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('rotates and retains every KMS key', () => {
    for (const [id, key] of dataResources('AWS::KMS::Key')) {
      expect(key.Properties.EnableKeyRotation, id).toBe(true);
      expect(key.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('exposes tables, queues, stream DLQs and secrets by manifest name', () => {
    const { data } = synth.stacks;
    expect(data.table('registry').tableName).toBe('jiahe-p33-registry');
    expect(data.queue('payout-inbound').spec.name).toBe('payout-inbound');
    expect(() => data.queue('no-such-queue')).toThrow(/Unknown queue "no-such-queue"/);
    expect(data.streamDeadLetter('registry').queue).toBeDefined();
    expect(data.secret('resident-id-hash-key').secret).toBeDefined();
  });
});
