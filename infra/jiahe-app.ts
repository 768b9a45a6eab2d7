import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { manifests as allManifests } from '../functions/manifests';
import { type AreaManifest, type AreaName, ROLES } from '../shared/manifest';
import { planManifests } from './constructs/manifest-plan';
import { pascal, stackName } from './constructs/names';
import { parseProvince } from './province';
import { AreaStack } from './stacks/area-stack';
import { DataStack } from './stacks/data-stack';
import { PlatformStack } from './stacks/platform-stack';

export interface BuildAppOptions {
  /** Defaults to functions/manifests.ts; tests pass their own to exercise every feature. */
  readonly manifests?: readonly AreaManifest[];
  /** Account and region; omitted, the stacks are environment-agnostic. */
  readonly env?: Environment;
}

/** The stacks of one province's deployment. */
export interface JiaheStacks {
  readonly province: string;
  readonly data: DataStack;
  readonly platform: PlatformStack;
  /** Areas without functions get no stack. */
  readonly areas: ReadonlyMap<AreaName, AreaStack>;
}

/**
 * Adds one province's deployment to `app`: the data stack (tables, queues, secrets), the
 * platform stack (user pool, HTTP API) and one stack per area with functions, all derived
 * from the function manifests, and registers the cdk-nag AwsSolutions checks, which fail
 * synthesis on any unacknowledged error.
 */
export function buildApp(app: App, province: string, options: BuildAppOptions = {}): JiaheStacks {
  const code = parseProvince(province);
  const manifests = options.manifests ?? allManifests;
  const plan = planManifests(manifests);
  const env = options.env;

  const data = new DataStack(app, stackName(code, 'Data'), {
    env,
    province: code,
    manifests,
    plan,
    description: `jiahe province ${code}: tables, queues, secrets and their keys (stateful)`,
  });
  const platform = new PlatformStack(app, stackName(code, 'Platform'), {
    env,
    province: code,
    roles: ROLES,
    description: `jiahe province ${code}: user pool and HTTP API`,
  });
  const areas = new Map<AreaName, AreaStack>();
  for (const manifest of manifests) {
    // An empty stack would only hold CDK metadata; it appears once the area has functions.
    if (manifest.functions.length === 0) continue;
    areas.set(
      manifest.area,
      new AreaStack(app, stackName(code, pascal(manifest.area)), {
        env,
        province: code,
        manifest,
        plan,
        data,
        platform,
        description: `jiahe province ${code}: ${manifest.area} functions`,
      }),
    );
  }

  Tags.of(app).add('project', 'jiahe');
  Tags.of(app).add('province', code);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { province: code, data, platform, areas };
}
