import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { manifests } from '../../functions/manifests';
import type { IdentityConfig } from '../../infra/identity';
import { type BuildAppOptions, buildApp, type JiaheStacks } from '../../infra/jiahe-app';
import { CONSOLE_FUNCTION } from '../../shared/console/manifest';
import type { FunctionSpec } from '../../shared/manifest';

/** Every function a deployment with OIDC identity has: the areas' and the console's. */
export const DEPLOYED_FUNCTIONS: readonly FunctionSpec[] = [
  ...manifests.flatMap((m) => m.functions),
  CONSOLE_FUNCTION,
];

/** Settings every test synthesis passes, as an operator would with `-c name=value`. */
export const testSettings = (province: string) =>
  ({
    'payout-bank-url': 'https://h2h.bank.example/jiahe',
    'payout-configuration': fileURLToPath(
      new URL(`../../docs/examples/payout-configuration.${province}.json`, import.meta.url),
    ),
  }) as const;

/** The identity platforms of test syntheses (`-c citizen-issuer=… -c staff-issuer=…`). */
export const TEST_IDENTITY = {
  kind: 'oidc',
  citizen: { issuer: 'https://id.example.gov.cn', audience: 'jiahe-p33-citizen' },
  staff: { issuer: 'https://staff-id.example.gov.cn', audience: 'jiahe-p33-staff' },
} as const satisfies IdentityConfig;

/** One violation in CDK's validation report (cdk-nag's plugin is `AwsSolutions`). */
export interface Violation {
  readonly pluginName: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

/** A synthesized deployment, its templates and validation report, and how to clean up. */
export interface Synthesized {
  readonly stacks: JiaheStacks;
  /** Every stack of the deployment. */
  readonly all: readonly Stack[];
  template(stack: Stack): Template;
  /** All violations any validation plugin (cdk-nag included) reported. */
  readonly violations: readonly Violation[];
  cleanup(): void;
}

/**
 * Synthesizes one province with bundling skipped, once, into a temporary directory (CDK
 * and Template.fromStack otherwise leave cdk.out folders behind). Synthesis throws if
 * cdk-nag reports an unacknowledged error.
 */
export function synthesize(province: string, options: Partial<BuildAppOptions> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'jiahe-infra-test-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  try {
    const stacks = buildApp(app, province, {
      settings: testSettings(province),
      identity: TEST_IDENTITY,
      ...options,
    });
    const assembly = app.synth();
    const all: Stack[] = [
      stacks.data,
      stacks.platform,
      ...stacks.areas.values(),
      ...(stacks.console ? [stacks.console] : []),
      stacks.stage,
    ];
    const templates = new Map(
      all.map((stack) => [stack, Template.fromJSON(assembly.getStackByName(stack.stackName).template)]),
    );
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: Omit<Violation, 'pluginName'>[] }[];
    };
    return {
      stacks,
      all,
      template: (stack) => {
        const template = templates.get(stack);
        if (!template) throw new Error(`no template for ${stack.stackName}`);
        return template;
      },
      violations: report.pluginReports.flatMap((r) =>
        r.violations.map((v) => ({ pluginName: r.pluginName, ...v })),
      ),
      cleanup: () => rmSync(outdir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

/** A CloudFormation resource as the assertions library returns it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resources of one type across the given templates, keyed `<stack>/<logicalId>`. */
export function resourcesOf(synth: Synthesized, type: string, stacks = synth.all): [string, CfnResource][] {
  return stacks.flatMap((stack) =>
    Object.entries(synth.template(stack).findResources(type) as Record<string, CfnResource>).map(
      ([id, resource]): [string, CfnResource] => [`${stack.stackName}/${id}`, resource],
    ),
  );
}
