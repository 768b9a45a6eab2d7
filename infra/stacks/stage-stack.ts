import {
  CfnOutput,
  CrossStackReferences,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpStage,
  type IHttpApi,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FALLBACK_THROTTLE } from '../../shared/manifest';
import type { ManifestPlan, PlannedRoute } from '../constructs/manifest-plan';

export interface StageStackProps extends StackProps {
  readonly province: string;
  readonly api: IHttpApi;
  readonly plan: ManifestPlan;
  /** Routes outside the area manifests (the console's), throttled the same way. */
  readonly extraRoutes?: readonly PlannedRoute[];
}

/**
 * The API's `$default` stage: access logs and one throttle per route, from the manifests.
 * Its own stack, deployed after the area stacks, because API Gateway refuses route
 * settings for routes that do not exist yet ("Unable to find Route by key").
 */
export class StageStack extends Stack {
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: StageStackProps) {
    super(scope, id, props);
    // Strong, as the area stacks: the platform stack cannot be deleted under the stage.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      // China's Cybersecurity Law (art. 21) requires network logs be kept at least six
      // months; 180 days can fall short of six calendar months, a year cannot.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: props.api,
      stageName: '$default',
      autoDeploy: true,
      // Any route the settings below do not name gets the lowest limit there is.
      throttle: { rateLimit: FALLBACK_THROTTLE.rate, burstLimit: FALLBACK_THROTTLE.burst },
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
    // Per route: a flood on one route (a public one, most likely) uses up that route's
    // bucket only, never the staff routes' (docs/operations.md#throttles).
    const routeSettings = Object.fromEntries(
      [...props.plan.routes.values(), props.extraRoutes ?? []]
        .flat()
        .map((route) => [
          route.routeKey,
          { ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst },
        ]),
    );
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the jiahe API' });
  }
}
