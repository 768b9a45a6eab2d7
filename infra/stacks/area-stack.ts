import { CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AreaManifest, DeploymentSettings } from '../../shared/manifest';
import { addFunctionRoutes } from '../constructs/function-routes';
import { FunctionSchedules } from '../constructs/function-schedules';
import { ManifestFunction } from '../constructs/manifest-function';
import type { ManifestPlan } from '../constructs/manifest-plan';
import type { DataStack } from './data-stack';
import type { PlatformStack } from './platform-stack';

export interface AreaStackProps extends StackProps {
  readonly province: string;
  readonly manifest: AreaManifest;
  readonly plan: ManifestPlan;
  readonly data: DataStack;
  readonly platform: PlatformStack;
  readonly settings: DeploymentSettings;
}

/**
 * The functions of one area with their routes, triggers and schedules. Holds no state, so
 * it can be redeployed, or deleted and recreated, without touching data or queued messages.
 */
export class AreaStack extends Stack {
  readonly functions: ReadonlyMap<string, ManifestFunction>;

  constructor(scope: Construct, id: string, props: AreaStackProps) {
    super(scope, id, props);
    // Strong (export/import) on purpose: CloudFormation then refuses to delete the data or
    // platform stack, or a table, queue or key, while functions still use it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { manifest, plan, data, platform } = props;
    const functions = new Map<string, ManifestFunction>();
    for (const spec of manifest.functions) {
      const fn = new ManifestFunction(this, spec.name, {
        province: props.province,
        spec,
        data,
        settings: props.settings,
        issuers: platform.issuers,
      });
      addFunctionRoutes(
        fn,
        spec.name,
        fn.fn,
        plan.routes.get(spec.name) ?? [],
        platform.api,
        platform.authorizers,
      );
      if (spec.schedules && spec.schedules.length > 0)
        new FunctionSchedules(fn, 'Schedules', fn.fn, spec.schedules);
      functions.set(spec.name, fn);
    }
    this.functions = functions;
    // Tables are addressed by name (see ProtectedTable.referenceIn), which CDK cannot see
    // as a reference: state the order explicitly.
    this.addStackDependency(data);
    this.addStackDependency(platform);
  }
}
