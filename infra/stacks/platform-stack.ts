import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  type IHttpRouteAuthorizer,
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
import { Construct } from 'constructs';
import type { Role } from '../../shared/manifest';
import { pascal, resourcePrefix } from '../constructs/names';
import type { IdentityConfig, OidcIssuer } from '../identity';

export interface PlatformStackProps extends StackProps {
  readonly province: string;
  /** Where citizens and staff sign in (infra/identity.ts). */
  readonly identity: IdentityConfig;
  /** With Cognito, one staff group per role; the ID token carries them in `cognito:groups`. */
  readonly roles: readonly Role[];
}

/** Who signs in where: the two audiences of non-public routes. */
export type SignInAudience = 'citizen' | 'staff';

/**
 * The HTTP API and one JWT authorizer per sign-in audience. The stage, with its per-route
 * throttles, is in the stage stack: API Gateway accepts route settings only for routes
 * that exist, and the routes are in the area stacks.
 */
export class PlatformStack extends Stack {
  readonly api: HttpApi;
  /** JWT authorizers: citizen routes trust the citizen issuer, every other route the staff issuer. */
  readonly authorizers: Readonly<Record<SignInAudience, IHttpRouteAuthorizer>>;
  /** The `iss` each audience's tokens carry; API functions get them as JIAHE_CITIZEN_ISSUER / JIAHE_STAFF_ISSUER. */
  readonly issuers: Readonly<Record<SignInAudience, string>>;
  /** The `aud` each audience's tokens must carry: jiahe's client id at that issuer. */
  readonly audiences: Readonly<Record<SignInAudience, string>>;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const prefix = resourcePrefix(props.province);

    this.api = new HttpApi(this, 'Api', {
      apiName: `${prefix}-api`,
      description: `jiahe HTTP API of province ${props.province}`,
      // The stage stack adds the stage with logging and per-route throttles.
      createDefaultStage: false,
    });

    const issuers: Record<SignInAudience, OidcIssuer> =
      props.identity.kind === 'oidc'
        ? { citizen: props.identity.citizen, staff: props.identity.staff }
        : {
            citizen: new CognitoSignIn(this, 'Citizens', { prefix, who: 'citizen', roles: [] }).issuer,
            staff: new CognitoSignIn(this, 'Staff', {
              prefix,
              who: 'staff',
              roles: props.roles.filter((r) => r !== 'citizen'),
            }).issuer,
          };

    const authorizer = (who: SignInAudience): IHttpRouteAuthorizer => {
      // Built here rather than with HttpJwtAuthorizer: that class creates its authorizer
      // lazily inside the stack of the first route that uses it (an area stack, which the
      // other areas would then depend on).
      const jwt = new HttpAuthorizer(this, `${pascal(who)}JwtAuthorizer`, {
        httpApi: this.api,
        authorizerName: `${who}-jwt`,
        type: HttpAuthorizerType.JWT,
        identitySource: ['$request.header.Authorization'],
        jwtIssuer: issuers[who].issuer,
        jwtAudience: [issuers[who].audience],
      });
      return HttpAuthorizer.fromHttpAuthorizerAttributes(this, `${pascal(who)}RouteAuthorizer`, {
        authorizerId: jwt.authorizerId,
        authorizerType: HttpAuthorizerType.JWT,
      });
    };
    this.authorizers = { citizen: authorizer('citizen'), staff: authorizer('staff') };
    this.issuers = { citizen: issuers.citizen.issuer, staff: issuers.staff.issuer };
    this.audiences = { citizen: issuers.citizen.audience, staff: issuers.staff.audience };

    new CfnOutput(this, 'CitizenIssuer', { value: issuers.citizen.issuer });
    new CfnOutput(this, 'CitizenAudience', { value: issuers.citizen.audience });
    new CfnOutput(this, 'StaffIssuer', { value: issuers.staff.issuer });
    new CfnOutput(this, 'StaffAudience', { value: issuers.staff.audience });
  }
}

interface CognitoSignInProps {
  readonly prefix: string;
  readonly who: SignInAudience;
  /** Groups to create, one per role. */
  readonly roles: readonly Role[];
}

/**
 * A Cognito user pool standing in for one identity platform, where Cognito exists (never in
 * the aws-cn partition: infra/identity.ts refuses it there). Its ID tokens carry the role
 * groups in `cognito:groups` and the attributes `custom:region` (staff) or
 * `custom:resident_id` (citizens), set by administrators only.
 */
class CognitoSignIn extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;
  readonly issuer: OidcIssuer;

  constructor(scope: Construct, id: string, props: CognitoSignInProps) {
    super(scope, id);
    const attribute = props.who === 'staff' ? 'region' : 'resident_id';
    this.pool = new UserPool(this, 'UserPool', {
      userPoolName: `${props.prefix}-${props.who}`,
      // Accounts are created for verified people (counter staff, residents whose identity
      // was checked), never by open sign-up: every role can reach sensitive personal data.
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
      // Plus tier with full threat protection (answers AwsSolutions-COG8).
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        // Staff: the region scope (GB/T 2260, six digits). Citizens: the verified resident ID.
        [attribute]:
          props.who === 'staff'
            ? new StringAttribute({ minLen: 6, maxLen: 6, mutable: true })
            : new StringAttribute({ minLen: 18, maxLen: 18, mutable: false }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of props.roles) {
      new UserPoolGroup(this, `${pascal(role)}Group`, {
        userPool: this.pool,
        groupName: role,
        description: `jiahe role ${role}`,
      });
    }
    this.client = this.pool.addClient('AppClient', {
      userPoolClientName: `${props.prefix}-${props.who}-app`,
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Short-lived (docs/operations.md): a disabled account loses access within minutes.
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.days(1),
      // Users may not write the attribute that scopes or identifies them.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
    });
    const stack = Stack.of(this);
    this.issuer = {
      // Built from the stack's own region and URL suffix, never a hard-coded domain.
      issuer: `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.pool.userPoolId}`,
      audience: this.client.userPoolClientId,
    };
    new CfnOutput(stack, `${pascal(props.who)}UserPoolId`, { value: this.pool.userPoolId });
  }
}
