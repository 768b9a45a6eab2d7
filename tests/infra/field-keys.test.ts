import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { parseFieldKeyGenerations } from '../../infra/constructs/field-keys';
import { type CfnResource, resourcesOf, type Synthesized, synthesize } from './support';

const specs = manifests.flatMap((m) => m.functions);

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string>>;
}

describe('field keys (province 33 in cn-north-1, rotating from generation 1 to 2)', () => {
  let synth: Synthesized;
  let keyIds: Map<number, string>;
  beforeAll(() => {
    synth = synthesize('33', {
      env: { account: '111122223333', region: 'cn-north-1' },
      fieldKeyGenerations: [1, 2],
    });
    const keys = resourcesOf(synth, 'AWS::KMS::Key', [synth.stacks.data]);
    keyIds = new Map(
      [1, 2].map((g) => {
        const found = keys.find(([id]) => id.includes(`FieldKeysGeneration${g}`));
        if (!found) throw new Error(`no field key of generation ${g}`);
        return [g, found[0].split('/')[1] as string];
      }),
    );
  }, 180_000);
  afterAll(() => synth?.cleanup());

  const functionOf = (name: string): CfnResource => {
    const found = resourcesOf(synth, 'AWS::Lambda::Function').find(
      ([, f]) =>
        (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_SERVICE_NAME === name,
    );
    if (!found) throw new Error(`no function ${name}`);
    return found[1];
  };
  const kmsStatementsOf = (name: string): Statement[] => {
    const roleId = (functionOf(name).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    return resourcesOf(synth, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource).includes('FieldKeysGeneration'));
  };
  const keysIn = (statement: Statement): number[] =>
    [1, 2].filter((g) => JSON.stringify(statement.Resource).includes(keyIds.get(g) as string));

  it('holds one retained, yearly rotated KMS key per generation', () => {
    for (const [, key] of resourcesOf(synth, 'AWS::KMS::Key', [synth.stacks.data]).filter(([id]) =>
      id.includes('FieldKeys'),
    )) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
    expect(keyIds.size).toBe(2);
  });

  it('lets sealing functions ask only the current key for data keys, and opening functions unwrap under both', () => {
    for (const spec of specs) {
      const statements = kmsStatementsOf(spec.name);
      const uses = new Set((spec.fieldKeys ?? []).map((f) => f.use));
      const seals = uses.has('seal') || uses.has('seal-and-open');
      const opens = uses.has('open') || uses.has('seal-and-open');
      const generate = statements.filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('kms:GenerateDataKey')),
      );
      const decrypt = statements.filter((s) => [s.Action].flat().includes('kms:Decrypt'));
      expect(generate.length > 0, `${spec.name} seals`).toBe(seals);
      expect(decrypt.length > 0, `${spec.name} opens`).toBe(opens);
      for (const s of generate) {
        expect([s.Action].flat()).toEqual(['kms:GenerateDataKey']);
        expect(keysIn(s)).toEqual([2]);
      }
      for (const s of decrypt) {
        expect([s.Action].flat()).toEqual(['kms:Decrypt']);
        expect(keysIn(s)).toEqual([1, 2]);
      }
      for (const s of statements) {
        // Only with the encryption context of the one sealed field.
        expect(s.Condition).toEqual({
          StringEquals: {
            'kms:EncryptionContext:table': 'payout',
            'kms:EncryptionContext:field': 'bank-account',
          },
        });
      }
    }
    // The enrolments API seals new accounts and opens a pending one to check a number typed again.
    expect(kmsStatementsOf('payout-enrollments-api').length).toBe(2);
    expect(kmsStatementsOf('payout-field-rekeyer').length).toBe(2);
  });

  it('tells each field-key function the current key and the retiring ones, and no other function', () => {
    for (const spec of specs) {
      const vars = (functionOf(spec.name).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const uses = (spec.fieldKeys ?? []).length > 0;
      expect('FIELD_KEY_ARN' in vars, spec.name).toBe(uses);
      expect('RETIRING_FIELD_KEY_ARNS' in vars, spec.name).toBe(uses);
      if (uses) {
        expect(JSON.stringify(vars.FIELD_KEY_ARN)).toContain(keyIds.get(2));
        expect(JSON.stringify(vars.RETIRING_FIELD_KEY_ARNS)).toContain(keyIds.get(1));
      }
    }
  });

  it('keeps the reads of decrypted accounts append-only: no role updates or deletes them, one role adds them', () => {
    for (const spec of specs.filter((f) =>
      f.tables.some((t) => t.table === 'payout' && t.access === 'readWrite'),
    )) {
      const roleId = (functionOf(spec.name).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const denies = resourcesOf(synth, 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          ([, p]) =>
            (p.Properties.PolicyDocument as { Statement: (Statement & { Effect: string })[] }).Statement,
        )
        .filter((s) => s.Effect === 'Deny');
      expect(denies, spec.name).toHaveLength(1);
      const [deny] = denies;
      expect(deny?.Condition).toEqual({
        'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['DECRYPTED-READS#*'] },
      });
      const actions = [deny?.Action].flat();
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']),
      );
      expect(actions.includes('dynamodb:PutItem'), spec.name).toBe(spec.name !== 'payout-batches-api');
    }
  });

  it('synthesizes for the China partition with no hard-coded ARN and no cdk-nag finding', () => {
    for (const stack of synth.all) {
      expect(JSON.stringify(synth.template(stack).toJSON())).not.toContain('arn:aws:');
    }
    expect(synth.violations.filter((v) => v.pluginName === 'AwsSolutions' && v.severity === 'error')).toEqual(
      [],
    );
  });
});

describe('field-keys context', () => {
  it('reads generations ascending, the last current, and refuses anything else', () => {
    expect(parseFieldKeyGenerations(undefined)).toEqual([1]);
    expect(parseFieldKeyGenerations('2')).toEqual([2]);
    expect(parseFieldKeyGenerations('1, 2')).toEqual([1, 2]);
    for (const bad of ['2,1', '1,1', '0', 'a', '1,,2', '1.5']) {
      expect(() => parseFieldKeyGenerations(bad), bad).toThrow(/field-keys/);
    }
  });
});
