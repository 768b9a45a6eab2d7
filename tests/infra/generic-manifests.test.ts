import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/jiahe-app';
import type { AreaManifest, FunctionSpec } from '../../shared/manifest';
import { type CfnResource, resourcesOf, type Synthesized, synthesize, TEST_IDENTITY } from './support';

/** Handler files that do not exist: with bundling skipped, the functions get placeholder code. */
const fn = (name: string, extra: Partial<FunctionSpec>): FunctionSpec => ({
  name,
  description: `fixture ${name}`,
  entry: `tests/infra/fixtures/${name}.ts`,
  memoryMb: 256,
  timeoutSeconds: 10,
  tables: [],
  sends: [],
  ...extra,
});

/**
 * Manifests using every feature, with queues sent to across areas in a ring
 * (registry → payout → exchange → registry) that would be a stack cycle if queues lived
 * in the area stacks.
 */
const fixture: readonly AreaManifest[] = [
  {
    area: 'registry',
    table: { stream: true, indexes: ['gsi1', 'gsi2'] },
    queues: [
      { name: 'registry-inbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 3, retentionDays: 4 },
    ],
    functions: [
      fn('registry-api', {
        routes: [
          { method: 'GET', path: '/v1/certificates/{code}', roles: [], public: true },
          { method: 'POST', path: '/v1/births', roles: ['registrar'] },
          { method: 'GET', path: '/v1/births', roles: ['registrar', 'auditor'] },
          { method: 'DELETE', path: '/v1/births', roles: [], public: true },
        ],
        tables: [
          { table: 'registry', access: 'readWrite' },
          { table: 'idempotency', access: 'readWrite' },
        ],
        secrets: ['resident-id-hash-key'],
      }),
      fn('registry-publisher', {
        stream: { table: 'registry', batchSize: 100, retryAttempts: 5 },
        sends: [{ queue: 'payout-inbound', access: 'send' }],
      }),
      fn('registry-inbound-consumer', {
        queue: { queue: 'registry-inbound', batchSize: 50, maxConcurrency: 2 },
        tables: [{ table: 'registry', access: 'readWrite' }],
      }),
    ],
  },
  {
    area: 'payout',
    table: { stream: false, indexes: [] },
    queues: [{ name: 'payout-inbound', visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 14 }],
    functions: [
      fn('payout-planner', {
        schedules: [
          {
            name: 'monthly-plan',
            expression: 'cron(0 2 1 * ? *)',
            timezone: 'Asia/Shanghai',
            payload: { kind: 'monthly' },
          },
        ],
        tables: [{ table: 'payout', access: 'read' }],
        sends: [{ queue: 'exchange-outbound', access: 'send' }],
      }),
      fn('payout-inbound-consumer', {
        queue: { queue: 'payout-inbound', batchSize: 10, maxConcurrency: 5 },
        tables: [{ table: 'payout', access: 'readWrite' }],
      }),
    ],
  },
  {
    area: 'exchange',
    table: { stream: false, indexes: ['gsi1'] },
    queues: [
      { name: 'exchange-outbound', visibilityTimeoutSeconds: 300, maxReceiveCount: 10, retentionDays: 14 },
    ],
    functions: [
      fn('exchange-sender', {
        queue: { queue: 'exchange-outbound', batchSize: 10, maxConcurrency: 2 },
        tables: [{ table: 'exchange', access: 'readWrite' }],
        sends: [{ queue: 'registry-inbound', access: 'send' }],
      }),
    ],
  },
];

describe('stacks built from other manifests', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('51', { manifests: fixture });
  }, 180_000);
  afterAll(() => synth?.cleanup());

  it('synthesizes with no cdk-nag finding', () => {
    expect(synth.violations.filter((v) => v.pluginName === 'AwsSolutions')).toEqual([]);
  });

  it('keeps the area stacks independent of each other despite the queue ring', () => {
    for (const stack of synth.stacks.areas.values()) {
      expect(stack.dependencies.map((d) => d.stackName).sort()).toEqual([
        'Jiahe-P51-Data',
        'Jiahe-P51-Platform',
      ]);
    }
    expect(resourcesOf(synth, 'AWS::SQS::Queue', [...synth.stacks.areas.values()])).toEqual([]);
  });

  it('creates every queue with a DLQ in the data stack', () => {
    const names = resourcesOf(synth, 'AWS::SQS::Queue').map(([, q]) => q.Properties.QueueName);
    expect(names.sort()).toEqual(
      [
        'jiahe-p51-registry-inbound',
        'jiahe-p51-registry-inbound-dlq',
        'jiahe-p51-payout-inbound',
        'jiahe-p51-payout-inbound-dlq',
        'jiahe-p51-exchange-outbound',
        'jiahe-p51-exchange-outbound-dlq',
        'jiahe-p51-registry-stream-dlq',
      ].sort(),
    );
  });

  it('leaves public routes unauthorized, and makes ANY public only where every route is public', () => {
    const routes = new Map(
      resourcesOf(synth, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
        r.Properties.RouteKey,
        r.Properties.AuthorizationType,
      ]),
    );
    expect(Object.fromEntries(routes)).toEqual({
      'GET /v1/certificates/{code}': 'NONE',
      'ANY /v1/certificates/{code}': 'NONE',
      'POST /v1/births': 'JWT',
      'GET /v1/births': 'JWT',
      'DELETE /v1/births': 'NONE',
      'ANY /v1/births': 'JWT',
      // The staff console's page and files: public, they hold no data.
      'GET /console': 'NONE',
      'GET /console/{proxy+}': 'NONE',
    });
  });

  it('invokes the scheduled function in the manifest time zone with the manifest payload', () => {
    const [[, schedule]] = resourcesOf(synth, 'AWS::Scheduler::Schedule') as [[string, CfnResource]];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 2 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
    });
    const target = schedule.Properties.Target as { Input: string; Arn: unknown; RoleArn: unknown };
    expect(JSON.parse(target.Input)).toEqual({ kind: 'monthly' });
    expect(JSON.stringify(target.Arn)).toContain('payoutplanner');
    const roles = resourcesOf(synth, 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    expect(JSON.stringify(roles[0]?.[1].Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
  });

  it('adds a batching window only where the batch size needs one', () => {
    const mappings = resourcesOf(synth, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    const big = mappings.find((m) => m.BatchSize === 50);
    expect(big?.MaximumBatchingWindowInSeconds).toBe(1);
    const small = mappings.filter((m) => m.BatchSize === 10);
    for (const m of small) expect(m.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  it('refuses to synthesize with bundling when a handler entry is missing', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'jiahe-infra-test-'));
    try {
      expect(() =>
        buildApp(new App({ outdir }), '51', { manifests: fixture, identity: TEST_IDENTITY }),
      ).toThrow(/handler entry tests\/infra\/fixtures\/registry-api\.ts does not exist/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('refuses to synthesize without a setting a function needs, naming it', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'jiahe-infra-test-'));
    try {
      expect(() => buildApp(new App({ outdir }), '33', { identity: TEST_IDENTITY })).toThrow(
        /Missing context .*"payout-bank-url" \(the bank's/,
      );
      expect(() =>
        buildApp(new App({ outdir }), '33', {
          settings: { 'payout-bank-url': 'https://bank.example/h2h' },
          identity: TEST_IDENTITY,
        }),
      ).toThrow(/Missing context "payout-configuration" \(a JSON file with the debtor account/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('validates the bank URL and the payout configuration at synth, naming each problem', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'jiahe-infra-test-'));
    const example = JSON.parse(
      readFileSync(new URL('../../docs/examples/payout-configuration.33.json', import.meta.url), 'utf8'),
    ) as { debtor: Record<string, string>; schemes: { code: string; payMonth?: number }[] };
    const write = (name: string, value: unknown) => {
      const file = join(outdir, name);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const build = (settings: Record<string, string>) => () =>
      buildApp(new App({ outdir: join(outdir, 'out') }), '33', {
        identity: TEST_IDENTITY,
        settings: { 'payout-bank-url': 'https://bank.example/h2h', ...settings },
      });
    try {
      const good = write('good.json', example);
      expect(build({ 'payout-bank-url': 'http://bank.example/h2h', 'payout-configuration': good })).toThrow(
        /"payout-bank-url" must be an https URL/,
      );
      expect(build({ 'payout-configuration': join(outdir, 'missing.json') })).toThrow(/cannot read the file/);
      const badAccount = write('bad-account.json', {
        ...example,
        debtor: { ...example.debtor, accountNumber: '12-34' },
      });
      expect(build({ 'payout-configuration': badAccount })).toThrow(
        /debtor\.accountNumber: account number of 10 to 30 digits/,
      );
      const twice = write('twice.json', { ...example, schemes: [...example.schemes, example.schemes[0]] });
      expect(build({ 'payout-configuration': twice })).toThrow(/code rural-reward appears twice/);
      const noPayMonth = write('no-pay-month.json', {
        ...example,
        schemes: example.schemes.map((s) =>
          s.code === 'only-child-reward' ? { ...s, payMonth: undefined } : s,
        ),
      });
      expect(build({ 'payout-configuration': noPayMonth })).toThrow(/annual scheme needs payMonth/);
      const otherProvince = write('51.json', { ...example, province: '51' });
      expect(build({ 'payout-configuration': otherProvince })).toThrow(/is for 51, this deployment is 33/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
