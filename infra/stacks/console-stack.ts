import { CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CONSOLE_CLIENT_ID_ENV, CONSOLE_FUNCTION } from '../../shared/console/manifest';
import { type DeploymentSettings, throttleOf } from '../../shared/manifest';
import { addFunctionRoutes } from '../constructs/function-routes';
import { ManifestFunction } from '../constructs/manifest-function';
import type { PlannedRoute } from '../constructs/manifest-plan';
import type { DataStack } from './data-stack';
import type { PlatformStack } from './platform-stack';

export interface ConsoleStackProps extends StackProps {
  readonly province: string;
  readonly data: DataStack;
  readonly platform: PlatformStack;
  readonly settings: DeploymentSettings;
}

/** The console's routes as the stage plans them: public, each with its own limit. */
export const CONSOLE_ROUTES: readonly PlannedRoute[] = (CONSOLE_FUNCTION.routes ?? []).map((route) => ({
  method: route.method,
  path: route.path,
  routeKey: `${route.method} ${route.path}`,
  authorized: false,
  throttle: throttleOf(route),
}));

/**
 * The staff console on the API's own origin: one function serving the built app (copied
 * into its bundle) under `/console`. Only API Gateway and Lambda, which both AWS China
 * regions have; no CloudFront distribution, whose China edition needs a second ICP-filed
 * domain and an IAM-imported certificate (docs/deployment.md#console). The console signs
 * in with the staff issuer's own client id, the audience the staff authorizer checks.
 */
export class ConsoleStack extends Stack {
  readonly function: ManifestFunction;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { data, platform } = props;
    this.function = new ManifestFunction(this, CONSOLE_FUNCTION.name, {
      province: props.province,
      spec: CONSOLE_FUNCTION,
      data,
      settings: props.settings,
      issuers: platform.issuers,
    });
    this.function.fn.addEnvironment(CONSOLE_CLIENT_ID_ENV, platform.audiences.staff);
    addFunctionRoutes(
      this.function,
      CONSOLE_FUNCTION.name,
      this.function.fn,
      CONSOLE_ROUTES,
      platform.api,
      platform.authorizers,
    );
    this.addStackDependency(data);
    this.addStackDependency(platform);
  }
}
