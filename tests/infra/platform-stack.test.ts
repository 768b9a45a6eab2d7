import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/manifest';
import { type Synthesized, synthesize } from './support';

describe('platform stack (province 33)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33');
  }, 120_000);
  afterAll(() => synth?.cleanup());

  const template = () => synth.template(synth.stacks.platform);

  it('has a retained user pool with a strong password policy, required TOTP MFA and threat protection', () => {
    template().hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UserPoolName: 'jiahe-p33-users',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        Schema: Match.arrayWith([
          Match.objectLike({
            Name: 'region',
            AttributeDataType: 'String',
            Mutable: true,
            StringAttributeConstraints: { MinLength: '6', MaxLength: '6' },
          }),
        ]),
      }),
    });
  });

  it('has one group per role', () => {
    const groups = Object.values(template().findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => (g as { Properties: { GroupName: string } }).Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('has an SRP app client that cannot write the region attribute', () => {
    template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      WriteAttributes: Match.not(Match.arrayWith(['custom:region'])),
    });
  });

  it('has one HTTP API with a throttled, access-logged $default stage', () => {
    template().resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template().hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('has a JWT authorizer trusting the user pool and its app client', () => {
    template().hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('AppClient') }],
        Issuer: {
          'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.', { Ref: 'AWS::URLSuffix' }])],
        },
      },
    });
  });
});
