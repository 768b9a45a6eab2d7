import { readFileSync } from 'node:fs';
import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { manifests as allManifests } from '../functions/manifests';
import { parsePayoutConfiguration } from '../functions/payout/config/deployment';
import {
  type AreaManifest,
  type AreaName,
  type DeploymentSettings,
  ROLES,
  type SettingName,
} from '../shared/manifest';
import { planManifests } from './constructs/manifest-plan';
import { pascal, stackName } from './constructs/names';
import type { IdentityConfig } from './identity';
import { parseProvince } from './province';
import { AreaStack } from './stacks/area-stack';
import { CONSOLE_ROUTES, ConsoleStack } from './stacks/console-stack';
import { DataStack } from './stacks/data-stack';
import { PlatformStack } from './stacks/platform-stack';
import { StageStack } from './stacks/stage-stack';

export interface BuildAppOptions {
  /** Defaults to functions/manifests.ts; tests pass their own to exercise every feature. */
  readonly manifests?: readonly AreaManifest[];
  /** Account and region; omitted, the stacks are environment-agnostic. */
  readonly env?: Environment;
  /** Deployment settings the manifests' functions need (CDK context `-c <name>=…`). */
  readonly settings?: DeploymentSettings;
  /** Field-key generations in use, ascending, the last current (CDK context `field-keys`); default [1]. */
  readonly fieldKeyGenerations?: readonly number[];
  /** Where citizens and staff sign in (infra/identity.ts `parseIdentity`). */
  readonly identity: IdentityConfig;
}

/** What each setting is, for the error that asks for it. */
const SETTING_HELP: Readonly<Record<SettingName, string>> = {
  'payout-bank-url': "the bank's https host-to-host endpoint for pain.001 files and pain.002 reports",
  'payout-configuration':
    'a JSON file with the debtor account and benefit schemes this province pays (docs/deployment.md)',
};

/**
 * Checks the settings' values: the bank URL is https, and the payout configuration file
 * exists and is a valid configuration for this province. Answers the settings as the
 * functions receive them (the configuration as its validated JSON, not the file name).
 */
function validateSettings(province: string, settings: DeploymentSettings): DeploymentSettings {
  const url = settings['payout-bank-url'];
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'https:')
      throw new Error(
        `Context "payout-bank-url" must be an https URL of the bank's host-to-host endpoint, got ${url}`,
      );
  }
  const file = settings['payout-configuration'];
  if (file === undefined) return settings;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Context "payout-configuration": cannot read the file ${file}`);
  }
  try {
    const config = parsePayoutConfiguration(text, province);
    return { ...settings, 'payout-configuration': JSON.stringify(config) };
  } catch (error) {
    throw new Error(`Context "payout-configuration" (${file}): ${(error as Error).message}`);
  }
}

/** Throws, naming each one, unless every setting some function needs has a value. */
function requireSettings(manifests: readonly AreaManifest[], settings: DeploymentSettings): void {
  const needed = new Set(manifests.flatMap((m) => m.functions.flatMap((fn) => fn.settings ?? [])));
  const missing = [...needed].filter((name) => !settings[name]);
  if (missing.length > 0) {
    throw new Error(
      `Missing context ${missing.map((name) => `"${name}" (${SETTING_HELP[name]})`).join(', ')}: ` +
        `pass it as -c ${missing[0]}=…`,
    );
  }
}

/** The stacks of one province's deployment. */
export interface JiaheStacks {
  readonly province: string;
  readonly data: DataStack;
  readonly platform: PlatformStack;
  /** Areas without functions get no stack. */
  readonly areas: ReadonlyMap<AreaName, AreaStack>;
  /**
   * The staff console on the API's origin. Only with OIDC identity: it signs in with the
   * staff issuer's authorization code flow, which the Cognito stand-in's client does not offer.
   */
  readonly console?: ConsoleStack;
  /** The API's stage with its per-route throttles, after every area stack. */
  readonly stage: StageStack;
}

/**
 * Adds one province's deployment to `app`: the data stack (tables, queues, secrets), the
 * platform stack (HTTP API and its JWT authorizers), one stack per area with functions and
 * the stage stack (stage, per-route throttles), all derived from the function manifests,
 * and registers the cdk-nag AwsSolutions checks, which fail synthesis on any
 * unacknowledged error.
 */
export function buildApp(app: App, province: string, options: BuildAppOptions): JiaheStacks {
  const code = parseProvince(province);
  const manifests = options.manifests ?? allManifests;
  const plan = planManifests(manifests);
  const env = options.env;
  requireSettings(manifests, options.settings ?? {});
  const settings = validateSettings(code, options.settings ?? {});

  const data = new DataStack(app, stackName(code, 'Data'), {
    env,
    province: code,
    manifests,
    plan,
    ...(options.fieldKeyGenerations ? { fieldKeyGenerations: options.fieldKeyGenerations } : {}),
    description: `jiahe province ${code}: tables, queues, secrets and their keys (stateful)`,
  });
  const platform = new PlatformStack(app, stackName(code, 'Platform'), {
    env,
    province: code,
    identity: options.identity,
    roles: ROLES,
    description: `jiahe province ${code}: HTTP API and its JWT authorizers`,
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
        settings,
        description: `jiahe province ${code}: ${manifest.area} functions`,
      }),
    );
  }

  const consoleStack =
    options.identity.kind === 'oidc'
      ? new ConsoleStack(app, stackName(code, 'Console'), {
          env,
          province: code,
          data,
          platform,
          settings,
          description: `jiahe province ${code}: the staff console under /console on the API`,
        })
      : undefined;

  const stage = new StageStack(app, stackName(code, 'Stage'), {
    env,
    province: code,
    api: platform.api,
    plan,
    extraRoutes: consoleStack ? CONSOLE_ROUTES : [],
    description: `jiahe province ${code}: API stage, access logs and per-route throttles`,
  });
  for (const area of areas.values()) stage.addStackDependency(area);
  if (consoleStack) stage.addStackDependency(consoleStack);

  // Not on event source mappings: they take no tags in the AWS China regions.
  const untaggable = { excludeResourceTypes: ['AWS::Lambda::EventSourceMapping'] };
  Tags.of(app).add('project', 'jiahe', untaggable);
  Tags.of(app).add('province', code, untaggable);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { province: code, data, platform, areas, stage, ...(consoleStack ? { console: consoleStack } : {}) };
}
