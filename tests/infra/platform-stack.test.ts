import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { DEFAULT_THROTTLES, FALLBACK_THROTTLE, ROLES, routesOf, throttleOf } from '../../shared/manifest';
import { type CfnResource, resourcesOf, type Synthesized, synthesize } from './support';

describe('platform and stage stacks (province 33, OIDC issuers)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33');
  }, 120_000);
  afterAll(() => synth?.cleanup());

  const platform = () => synth.template(synth.stacks.platform);
  const stage = () => synth.template(synth.stacks.stage);

  it('has one HTTP API, two JWT authorizers and no user pool', () => {
    platform().resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    platform().hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    platform().resourceCountIs('AWS::ApiGatewayV2::Authorizer', 2);
    platform().resourceCountIs('AWS::Cognito::UserPool', 0);
    platform().resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
  });

  it('has an access-logged $default stage, after the routes, with the lowest limit as its default', () => {
    stage().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: FALLBACK_THROTTLE.rate,
        ThrottlingBurstLimit: FALLBACK_THROTTLE.burst,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    stage().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const dependsOn = synth.stacks.stage.dependencies.map((s) => s.stackName);
    for (const area of synth.stacks.areas.values()) expect(dependsOn).toContain(area.stackName);
  });

  it("gives every manifest route its own throttle: the route's, else its audience's default", () => {
    const [[, resource]] = resourcesOf(synth, 'AWS::ApiGatewayV2::Stage', [synth.stacks.stage]) as [
      [string, CfnResource],
    ];
    const settings = resource.Properties.RouteSettings as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;
    for (const { route } of routesOf(manifests)) {
      const limit = throttleOf(route);
      expect(settings[`${route.method} ${route.path}`], `${route.method} ${route.path}`).toEqual({
        ThrottlingRateLimit: limit.rate,
        ThrottlingBurstLimit: limit.burst,
      });
    }
    // The routes anyone can flood have limits below every staff route's.
    for (const key of ['GET /v1/public/certificates/verify', 'POST /exchange/v1/inbox']) {
      expect(settings[key]?.ThrottlingRateLimit, key).toBeLessThan(DEFAULT_THROTTLES.staff.rate);
      expect(settings[key]?.ThrottlingBurstLimit, key).toBeLessThan(DEFAULT_THROTTLES.staff.burst);
    }
    // Every route key on the API has a setting, its 405 fallbacks included.
    const routeKeys = resourcesOf(synth, 'AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties.RouteKey as string,
    );
    expect(Object.keys(settings).sort()).toEqual(routeKeys.sort());
  });
});

describe('platform stack with identity=cognito (outside China)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33', {
      env: { account: '123456789012', region: 'eu-west-1' },
      identity: { kind: 'cognito' },
    });
  }, 120_000);
  afterAll(() => synth?.cleanup());

  const platform = () => synth.template(synth.stacks.platform);

  it('has a retained pool each for citizens and staff, with required TOTP MFA and threat protection', () => {
    for (const name of ['jiahe-p33-citizen', 'jiahe-p33-staff']) {
      platform().hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          UserPoolName: name,
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          UserPoolTier: 'PLUS',
          UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        }),
      });
    }
  });

  it('has one group per staff role in the staff pool, none for citizens', () => {
    const groups = Object.values(platform().findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => (g as { Properties: { GroupName: string } }).Properties.GroupName,
    );
    expect(groups.sort()).toEqual(ROLES.filter((r) => r !== 'citizen').sort());
  });

  it('has 15-minute tokens and clients that cannot write the region or resident ID attribute', () => {
    const clients = resourcesOf(synth, 'AWS::Cognito::UserPoolClient', [synth.stacks.platform]);
    expect(clients).toHaveLength(2);
    for (const [, client] of clients) {
      expect(client.Properties).toMatchObject({ IdTokenValidity: 15, AccessTokenValidity: 15 });
      expect(client.Properties.WriteAttributes).not.toContain('custom:region');
      expect(client.Properties.WriteAttributes).not.toContain('custom:resident_id');
    }
  });

  it("points each JWT authorizer at its pool's issuer, built from the region's URL suffix", () => {
    const authorizers = resourcesOf(synth, 'AWS::ApiGatewayV2::Authorizer', [synth.stacks.platform]);
    expect(authorizers).toHaveLength(2);
    for (const [, authorizer] of authorizers) {
      expect(JSON.stringify(authorizer.Properties.JwtConfiguration)).toMatch(/https:\/\/cognito-idp\./);
      expect(JSON.stringify(authorizer.Properties.JwtConfiguration)).toMatch(/AWS::URLSuffix/);
    }
  });
});
