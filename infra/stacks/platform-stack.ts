import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Role } from '../../shared/manifest';
import { pascal, resourcePrefix } from '../constructs/names';

export interface PlatformStackProps extends StackProps {
  readonly province: string;
  /** One Cognito group per role; the JWT carries them in `cognito:groups`. */
  readonly roles: readonly Role[];
}

/** Steady-state and burst request limits for the whole API of one province. */
const API_THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;

/** What the identity and API layer gives the area stacks. */
export class PlatformStack extends Stack {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly api: HttpApi;
  /** JWT authorizer for every non-public route. */
  readonly authorizer: IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const prefix = resourcePrefix(props.province);

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `${prefix}-users`,
      // Accounts are created for verified people (counter staff, onboarding of residents),
      // never by open sign-up: every role can reach sensitive personal information.
      selfSignUpEnabled: false,
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Required for everyone (answers AwsSolutions-COG2): tokens open resident ID numbers,
      // health and bank data, which PIPL classes as sensitive. TOTP only: SMS codes are
      // phishable and would need an SNS role and SMS spend.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier with full threat protection (answers AwsSolutions-COG8): blocks
      // compromised-credential and anomalous sign-ins to accounts that see personal data.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // No SMS anywhere (see MFA above); without an e-mail, an administrator resets access.
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        // Staff region scope (GB/T 2260 six digits); set by administrators only.
        region: new StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
      },
      deletionProtection: true,
      // Holds every identity: never dropped by a stack operation.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of props.roles) {
      new UserPoolGroup(this, `${pascal(role)}Group`, {
        userPool: this.userPool,
        groupName: role,
        description: `jiahe role ${role}`,
      });
    }

    this.userPoolClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `${prefix}-app`,
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI or OAuth redirect flows: the apps sign in with SRP.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(1),
      // Users may not write custom:region themselves: it bounds what staff can see.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      // China's Cybersecurity Law (art. 21) requires network logs be kept at least six
      // months; 180 days can fall short of six calendar months, a year cannot.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new HttpApi(this, 'Api', {
      apiName: `${prefix}-api`,
      description: `jiahe HTTP API of province ${props.province}`,
      // The stage is added below with logging and throttling, which HttpApi's default lacks.
      createDefaultStage: false,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // HTTP API context variables only; no headers, bodies or tokens are logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            subject: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // Built here rather than with HttpUserPoolAuthorizer: that class creates its authorizer
    // lazily inside the stack of the first route that uses it (an area stack, which the
    // other areas would then depend on), and it hard-codes the amazonaws.com issuer domain,
    // which is wrong in the China partition. The issuer and audience are the same.
    const jwtAuthorizer = new HttpAuthorizer(this, 'JwtAuthorizer', {
      httpApi: this.api,
      authorizerName: 'cognito-jwt',
      type: HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.userPool.userPoolId}`,
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });
    this.authorizer = HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'RouteAuthorizer', {
      authorizerId: jwtAuthorizer.authorizerId,
      authorizerType: HttpAuthorizerType.JWT,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the jiahe API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
