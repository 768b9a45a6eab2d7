import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  Charset,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import {
  BUNDLED_SETTINGS,
  type DeploymentSettings,
  type FunctionSpec,
  settingEnvName,
} from '../../shared/manifest';
import { ESM_REQUIRE_BANNER, functionExternals, layerAliases } from './aws-libraries';
import { REPO_ROOT } from './repo-root';

/** Code shipped in place of a bundle when bundling is skipped and the entry does not exist yet. */
const PLACEHOLDER_CODE =
  "exports.handler = async () => { throw new Error('placeholder: synthesized without bundling'); };";

/**
 * Copies the spec's files into the bundle after esbuild has run. Checked first: a synth
 * that bundles must not ship a function without the files it serves.
 */
function copyFiles(
  spec: Pick<FunctionSpec, 'name' | 'files'>,
  bundlingRequired: boolean,
): Pick<BundlingOptions, 'commandHooks'> {
  const files = spec.files ?? [];
  if (files.length === 0) return {};
  for (const file of files) {
    if (bundlingRequired && !existsSync(join(REPO_ROOT, file.from))) {
      throw new Error(
        `Function ${spec.name}: ${file.from} does not exist; build it first with \`${file.builtBy}\``,
      );
    }
  }
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) =>
        files.map((file) => `cp -R "${join(inputDir, file.from)}" "${join(outputDir, file.to)}"`),
    },
  };
}

type CodeProps = Pick<
  NodejsFunctionProps,
  'entry' | 'handler' | 'code' | 'bundling' | 'projectRoot' | 'depsLockFilePath'
>;

/**
 * How a manifest function's code is built: its entry bundled by the local esbuild as an
 * ESM module. NodejsFunction checks that the entry exists even when bundling is skipped;
 * only then (tests, `aws:cdk:bundling-stacks` empty) may a missing entry fall back to a
 * placeholder, so a real synth still fails loudly on a wrong path.
 */
export function functionCode(
  scope: Construct,
  spec: Pick<FunctionSpec, 'name' | 'entry' | 'settings' | 'files'>,
  settings: DeploymentSettings = {},
): CodeProps {
  // Bundled settings replace `process.env.<NAME>` in the code with their (validated) value.
  const define = Object.fromEntries(
    (spec.settings ?? [])
      .filter((name) => BUNDLED_SETTINGS.includes(name))
      .map((name) => {
        const value = settings[name];
        if (!value) throw new Error(`${spec.name} needs the setting ${name}`);
        return [`process.env.${settingEnvName(name)}`, JSON.stringify(value)];
      }),
  );
  const entry = join(REPO_ROOT, spec.entry);
  if (!existsSync(entry)) {
    if (Stack.of(scope).bundlingRequired) {
      throw new Error(
        `Function ${spec.name}: handler entry ${spec.entry} does not exist (from ${REPO_ROOT})`,
      );
    }
    return { code: Code.fromInline(PLACEHOLDER_CODE), handler: 'index.handler' };
  }
  return {
    entry,
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    bundling: {
      format: OutputFormat.ESM,
      target: 'node24',
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      minify: true,
      ...(Object.keys(define).length > 0 ? { define } : {}),
      ...copyFiles(spec, Stack.of(scope).bundlingRequired),
      // Region names are Chinese: UTF-8 output keeps them at 3 bytes a character instead
      // of 6-byte \u escapes (about 32 KB less per function). This CDK version accepts
      // `charset` but does not pass it to esbuild, hence also the flag below.
      charset: Charset.UTF8,
      sourceMap: true,
      // The AWS SDK and the tracer come from the AWS libraries layer (aws-libraries.ts),
      // built from the lock file: functions run the versions it pins and the local cloud
      // runs, not whatever the Lambda runtime ships, without a copy in every bundle.
      externalModules: functionExternals(),
      esbuildArgs: {
        '--charset': 'utf8',
        '--alias': Object.entries(layerAliases()).map(([module, path]) => `${module}=${path}`),
      },
    },
  };
}
