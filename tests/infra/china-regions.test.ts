import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { parseIdentity } from '../../infra/identity';
import { CONSOLE_CLIENT_ID_ENV, CONSOLE_FUNCTION } from '../../shared/console/manifest';
import { CITIZEN_ISSUER_ENV, routeAudience, routesOf, STAFF_ISSUER_ENV } from '../../shared/manifest';
import { type CfnResource, resourcesOf, type Synthesized, synthesize } from './support';

const CITIZEN_ISSUER = 'https://id.example.gov.cn';
const STAFF_ISSUER = 'https://staff-id.example.gov.cn';

/**
 * The deployment a province in the AWS China regions synthesizes: Ningxia, the OIDC
 * issuers of its identity platforms, as the context of `npx cdk synth` gives them.
 */
describe('province 33 in cn-northwest-1 (aws-cn partition)', () => {
  let synth: Synthesized;
  const context: Record<string, string> = { 'citizen-issuer': CITIZEN_ISSUER, 'staff-issuer': STAFF_ISSUER };
  beforeAll(() => {
    synth = synthesize('33', {
      env: { account: '123456789012', region: 'cn-northwest-1' },
      identity: parseIdentity((key) => context[key], '33', 'cn-northwest-1'),
    });
  }, 180_000);
  afterAll(() => synth?.cleanup());

  const templates = () =>
    synth.all.map((stack) => [stack.stackName, synth.template(stack).toJSON()] as const);

  it('writes no ARN of the commercial partition: every ARN takes the partition of its region', () => {
    for (const [name, template] of templates()) {
      expect(JSON.stringify(template), name).not.toMatch(/arn:aws:/);
    }
  });

  it('creates no Cognito resource (user pools do not exist there)', () => {
    for (const [name, template] of templates()) {
      const types = Object.values((template.Resources ?? {}) as Record<string, CfnResource>).map(
        (r) => r.Type,
      );
      expect(
        types.filter((t) => t.startsWith('AWS::Cognito::')),
        name,
      ).toEqual([]);
    }
  });

  it('trusts exactly the two issuers, each with its own JWT authorizer and default audience', () => {
    const authorizers = resourcesOf(synth, 'AWS::ApiGatewayV2::Authorizer').map(([, a]) => a.Properties);
    expect(authorizers).toHaveLength(2);
    expect(authorizers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: CITIZEN_ISSUER, Audience: ['jiahe-p33-citizen'] },
        }),
        expect.objectContaining({
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: STAFF_ISSUER, Audience: ['jiahe-p33-staff'] },
        }),
      ]),
    );
  });

  it('puts citizen routes behind the citizen authorizer, other non-public routes behind the staff one', () => {
    // Area stacks import the authorizer id the platform stack exports: follow the export.
    const platform = synth.template(synth.stacks.platform).toJSON();
    const issuerByExport = new Map<string, string>();
    for (const output of Object.values(
      platform.Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>,
    )) {
      const ref = (output.Value as { Ref?: string }).Ref;
      const authorizer = ref ? (platform.Resources[ref] as CfnResource | undefined) : undefined;
      if (output.Export && authorizer?.Type === 'AWS::ApiGatewayV2::Authorizer') {
        issuerByExport.set(
          output.Export.Name,
          (authorizer.Properties.JwtConfiguration as { Issuer: string }).Issuer,
        );
      }
    }
    const issuerOfRoute = new Map<string, string | undefined>();
    for (const [, route] of resourcesOf(synth, 'AWS::ApiGatewayV2::Route')) {
      const imported = (route.Properties.AuthorizerId as { 'Fn::ImportValue'?: string } | undefined)?.[
        'Fn::ImportValue'
      ];
      issuerOfRoute.set(
        route.Properties.RouteKey as string,
        imported ? issuerByExport.get(imported) : undefined,
      );
    }
    const routes = routesOf(manifests).map(({ route }) => route);
    expect(routes.filter((r) => routeAudience(r) === 'citizen').length).toBeGreaterThan(0);
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const expected = { public: undefined, citizen: CITIZEN_ISSUER, staff: STAFF_ISSUER }[
        routeAudience(route)
      ];
      expect(issuerOfRoute.has(key), key).toBe(true);
      expect(issuerOfRoute.get(key), key).toBe(expected);
    }
  });

  it("serves the staff console on the API's own origin, with Lambda and API Gateway only", () => {
    const stack = synth.stacks.console;
    if (!stack) throw new Error('no console stack');
    expect(stack.stackName).toBe('Jiahe-P33-Console');
    const template = synth.template(stack).toJSON();
    const types = new Set(
      Object.values(template.Resources as Record<string, CfnResource>).map((r) => r.Type),
    );
    expect([...types].filter((t) => /CloudFront|S3::|Cognito/.test(t))).toEqual([]);
    const routes = resourcesOf(synth, 'AWS::ApiGatewayV2::Route', [stack]).map(([, r]) => [
      r.Properties.RouteKey,
      r.Properties.AuthorizationType,
    ]);
    expect(Object.fromEntries(routes)).toEqual({ 'GET /console': 'NONE', 'GET /console/{proxy+}': 'NONE' });
    const [[, fn] = []] = resourcesOf(synth, 'AWS::Lambda::Function', [stack]);
    expect(fn?.Properties.Environment).toMatchObject({
      Variables: { [STAFF_ISSUER_ENV]: STAFF_ISSUER, [CONSOLE_CLIENT_ID_ENV]: 'jiahe-p33-staff' },
    });
    const [[, stage] = []] = resourcesOf(synth, 'AWS::ApiGatewayV2::Stage', [synth.stacks.stage]);
    expect(stage?.Properties.RouteSettings).toMatchObject({
      'GET /console/{proxy+}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 200 },
    });
  });

  it('tells API functions both issuers, and other functions neither', () => {
    for (const [, fn] of resourcesOf(synth, 'AWS::Lambda::Function')) {
      const env = ((fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {}) as Record<string, unknown>;
      if (!env.POWERTOOLS_SERVICE_NAME) continue;
      const serves =
        env.POWERTOOLS_SERVICE_NAME === CONSOLE_FUNCTION.name ||
        routesOf(manifests).some(({ fn: spec }) => spec.name === env.POWERTOOLS_SERVICE_NAME);
      expect(env[CITIZEN_ISSUER_ENV], String(env.POWERTOOLS_SERVICE_NAME)).toBe(
        serves ? CITIZEN_ISSUER : undefined,
      );
      expect(env[STAFF_ISSUER_ENV], String(env.POWERTOOLS_SERVICE_NAME)).toBe(
        serves ? STAFF_ISSUER : undefined,
      );
    }
  });

  it('uses only what exists there: no X-Ray on functions in aws-cn, no tags on event source mappings', () => {
    for (const stack of synth.stacks.areas.values()) {
      const template = synth.template(stack).toJSON();
      expect(template.Conditions?.InChinaPartition, stack.stackName).toEqual({
        'Fn::Equals': [{ Ref: 'AWS::Partition' }, 'aws-cn'],
      });
    }
    for (const [id, fn] of resourcesOf(synth, 'AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig, id).toEqual({
        'Fn::If': ['InChinaPartition', { Ref: 'AWS::NoValue' }, { Mode: 'Active' }],
      });
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.POWERTOOLS_TRACE_ENABLED, id).toEqual({ 'Fn::If': ['InChinaPartition', 'false', 'true'] });
    }
    const mappings = resourcesOf(synth, 'AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBeGreaterThan(0);
    for (const [id, mapping] of mappings) expect(mapping.Properties.Tags, id).toBeUndefined();
  });

  it('is cdk-nag clean', () => {
    expect(synth.violations.filter((v) => v.pluginName === 'AwsSolutions')).toEqual([]);
  });
});
