import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { CONSOLE_CLIENT_ID_ENV, CONSOLE_FUNCTION } from '../../shared/console/manifest';
import {
  BUNDLED_SETTINGS,
  CITIZEN_ISSUER_ENV,
  type FunctionSpec,
  queueEnvName,
  routesOf,
  STAFF_ISSUER_ENV,
  secretArnEnvName,
  settingEnvName,
  type TableName,
  tableEnvName,
} from '../../shared/manifest';
import {
  type CfnResource,
  DEPLOYED_FUNCTIONS,
  resourcesOf,
  type Synthesized,
  synthesize,
  TEST_IDENTITY,
  testSettings,
} from './support';

const specs = DEPLOYED_FUNCTIONS;

/** The environment variable names a function must get, derived independently of the infra code. */
function expectedEnvNames(spec: FunctionSpec): string[] {
  const tables = new Set<TableName>(spec.tables.map((t) => t.table));
  if (spec.stream) tables.add(spec.stream.table);
  const queues = new Set(spec.sends.map((s) => s.queue));
  if (spec.queue) queues.add(spec.queue.queue);
  return [
    'JIAHE_PROVINCE',
    'NODE_ENV',
    'NODE_OPTIONS',
    'POWERTOOLS_SERVICE_NAME',
    'POWERTOOLS_METRICS_NAMESPACE',
    'POWERTOOLS_LOG_LEVEL',
    'POWERTOOLS_TRACE_ENABLED',
    ...[...tables].map(tableEnvName),
    ...[...queues].map(queueEnvName),
    ...(spec.secrets ?? []).map(secretArnEnvName),
    // Bundled settings are compiled into the code, not set in the environment.
    ...(spec.settings ?? []).filter((name) => !BUNDLED_SETTINGS.includes(name)).map(settingEnvName),
    ...((spec.fieldKeys ?? []).length > 0 ? ['FIELD_KEY_ARN'] : []),
    // The console signs in as its own client of the staff issuer.
    ...(spec === CONSOLE_FUNCTION ? [CONSOLE_CLIENT_ID_ENV] : []),
    ...(spec.routes?.length ? [CITIZEN_ISSUER_ENV, STAFF_ISSUER_ENV] : []),
  ].sort();
}

describe('area stacks (province 33)', () => {
  let synth: Synthesized;
  let functions: Map<string, [string, CfnResource]>;
  beforeAll(() => {
    synth = synthesize('33');
    functions = new Map(
      resourcesOf(synth, 'AWS::Lambda::Function').map(([id, fn]) => {
        const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        return [String(env.POWERTOOLS_SERVICE_NAME), [id, fn]];
      }),
    );
  }, 180_000);
  afterAll(() => synth?.cleanup());

  const functionOf = (name: string): CfnResource => {
    const found = functions.get(name);
    if (!found) throw new Error(`no function ${name}`);
    return found[1];
  };

  it('passes cdk-nag AwsSolutions with no finding, not even a warning', () => {
    expect(synth.violations.filter((v) => v.pluginName === 'AwsSolutions')).toEqual([]);
  });

  it('has one stack per area with functions, named Jiahe-P33-<Area>', () => {
    const expected = manifests.filter((m) => m.functions.length > 0).map((m) => m.area);
    expect([...synth.stacks.areas.keys()]).toEqual(expected);
    expect(synth.all.map((s) => s.stackName)).toEqual([
      'Jiahe-P33-Data',
      'Jiahe-P33-Platform',
      ...expected.map((a) => `Jiahe-P33-${a.charAt(0).toUpperCase()}${a.slice(1)}`),
      'Jiahe-P33-Console',
      'Jiahe-P33-Stage',
    ]);
  });

  it('deploys exactly the manifest functions, on nodejs24.x arm64 with tracing and the manifest sizing', () => {
    expect([...functions.keys()].sort()).toEqual(specs.map((s) => s.name).sort());
    for (const spec of specs) {
      const fn = functionOf(spec.name);
      expect(fn.Properties.Runtime, spec.name).toBe('nodejs24.x');
      expect(fn.Properties.Architectures, spec.name).toEqual(['arm64']);
      // Active, except in the China partition, where X-Ray's Lambda integration does not exist.
      expect(fn.Properties.TracingConfig, spec.name).toEqual({
        'Fn::If': ['InChinaPartition', { Ref: 'AWS::NoValue' }, { Mode: 'Active' }],
      });
      expect(fn.Properties.MemorySize, spec.name).toBe(spec.memoryMb);
      expect(fn.Properties.Timeout, spec.name).toBe(spec.timeoutSeconds);
      expect(fn.Properties.Handler, spec.name).toBe('index.handler');
    }
  });

  it('gives every function its own log group with a retention', () => {
    const logGroups = new Map(
      resourcesOf(synth, 'AWS::Logs::LogGroup').map(([id, lg]) => [id.split('/')[1], lg]),
    );
    const used = new Set<string>();
    for (const spec of specs) {
      const ref = (functionOf(spec.name).Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
        .Ref;
      expect(logGroups.get(ref)?.Properties.RetentionInDays, spec.name).toBe(365);
      expect(used.has(ref), `${spec.name} shares a log group`).toBe(false);
      used.add(ref);
    }
  });

  it('sets exactly the environment its manifest entitles each function to', () => {
    for (const spec of specs) {
      const env = (functionOf(spec.name).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(Object.keys(env).sort(), spec.name).toEqual(expectedEnvNames(spec));
      expect(env.JIAHE_PROVINCE).toBe('33');
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('jiahe');
      expect(env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
      for (const { table } of spec.tables) expect(env[tableEnvName(table)]).toBe(`jiahe-p33-${table}`);
      for (const { queue } of spec.sends)
        expect(JSON.stringify(env[queueEnvName(queue)])).toContain('ImportValue');
      for (const name of spec.settings ?? [])
        if (!BUNDLED_SETTINGS.includes(name))
          expect(env[settingEnvName(name)]).toBe(testSettings('33')[name]);
      if (spec.routes?.length) {
        expect(env[CITIZEN_ISSUER_ENV]).toBe(TEST_IDENTITY.citizen.issuer);
        expect(env[STAFF_ISSUER_ENV]).toBe(TEST_IDENTITY.staff.issuer);
      }
    }
  });

  it('subscribes queue consumers with partial batch failures and the manifest concurrency', () => {
    const mappings = resourcesOf(synth, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    for (const spec of specs.filter((s) => s.queue)) {
      const fnId = functions.get(spec.name)?.[0].split('/')[1];
      const mapping = mappings.find((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: fnId }));
      expect(mapping, spec.name).toMatchObject({
        BatchSize: spec.queue?.batchSize,
        ScalingConfig: { MaximumConcurrency: spec.queue?.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('subscribes stream consumers from the start of the stream, bisecting, with a failure DLQ', () => {
    const mappings = resourcesOf(synth, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    const streamSpecs = specs.filter((s) => s.stream);
    expect(streamSpecs.length).toBeGreaterThan(0);
    for (const spec of streamSpecs) {
      const fnId = functions.get(spec.name)?.[0].split('/')[1];
      const mapping = mappings.find((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: fnId }));
      expect(mapping, spec.name).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: spec.stream?.batchSize,
        MaximumRetryAttempts: spec.stream?.retryAttempts,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(JSON.stringify(mapping?.DestinationConfig)).toContain(
        `${spec.stream?.table.replace(/^./, (c) => c.toUpperCase())}StreamDeadLetter`,
      );
    }
  });

  it('puts every manifest route on the API, JWT-authorized unless public, plus ANY per path', () => {
    const routes = new Map(
      resourcesOf(synth, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
        String(r.Properties.RouteKey),
        r.Properties,
      ]),
    );
    const all = routesOf(manifests);
    expect(all.length).toBeGreaterThan(0);
    for (const { route } of all) {
      const found = routes.get(`${route.method} ${route.path}`);
      expect(found, `${route.method} ${route.path}`).toBeDefined();
      expect(found?.AuthorizationType).toBe(route.public ? 'NONE' : 'JWT');
      if (!route.public) expect(JSON.stringify(found?.AuthorizerId)).toContain('JwtAuthorizer');
    }
    for (const path of new Set(all.map(({ route }) => route.path))) {
      expect(routes.has(`ANY ${path}`), `ANY ${path}`).toBe(true);
    }
    // The console's two public routes, with no ANY fallback (they answer GET only).
    for (const route of CONSOLE_FUNCTION.routes ?? []) {
      expect(routes.get(`${route.method} ${route.path}`)?.AuthorizationType).toBe('NONE');
    }
    const expectedCount =
      all.length + new Set(all.map(({ route }) => route.path)).size + (CONSOLE_FUNCTION.routes ?? []).length;
    expect(routes.size).toBe(expectedCount);
  });

  it('uses one integration and one invoke permission per API function', () => {
    const apiFunctions = specs.filter((s) => (s.routes ?? []).length > 0);
    expect(resourcesOf(synth, 'AWS::ApiGatewayV2::Integration').length).toBe(apiFunctions.length);
    const permissions = resourcesOf(synth, 'AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions.length).toBe(apiFunctions.length);
    for (const permission of permissions) {
      expect(permission.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.SourceArn)).toContain('/*/*/*');
    }
  });

  it('grants no data-plane action on Resource "*" (only the actions IAM cannot scope)', () => {
    // X-Ray writes and dynamodb:ListStreams have no resource-level permissions.
    const unscopable = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']);
    const guarded = /^(dynamodb|sqs|secretsmanager|kms|lambda|logs):/;
    const statements = resourcesOf(synth, 'AWS::IAM::Policy').flatMap(([id, p]) =>
      (
        p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement.map((s) => ({ id, ...s })),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      const resources = [statement.Resource].flat();
      if (!resources.includes('*')) continue;
      for (const action of actions) {
        expect(unscopable.has(action) || !guarded.test(action), `${statement.id}: ${action} on *`).toBe(true);
      }
    }
  });

  it('grants each function only its manifest tables (a stream subscriber reads the stream, not the table)', () => {
    for (const spec of specs) {
      const roleId = (functionOf(spec.name).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const policy = resourcesOf(synth, 'AWS::IAM::Policy').find(([, p]) =>
        JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
      );
      const text = JSON.stringify(policy?.[1].Properties.PolicyDocument);
      for (const m of manifests) {
        const allowed = spec.tables.some((t) => t.table === m.area);
        expect(text.includes(`:table/jiahe-p33-${m.area}`), `${spec.name} → ${m.area}`).toBe(allowed);
      }
      const writes = spec.tables.some((t) => t.access === 'readWrite');
      expect(text.includes('dynamodb:PutItem'), `${spec.name} writes`).toBe(writes);
    }
  });
});
