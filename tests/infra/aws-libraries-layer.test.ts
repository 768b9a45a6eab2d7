import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  functionExternals,
  LAYER_MODULES,
  layerAliases,
  layerBuildOptions,
  layerEntryName,
  layerRoot,
} from '../../infra/constructs/aws-libraries';
import { functionCode } from '../../infra/constructs/function-code';
import { REPO_ROOT } from '../../infra/constructs/repo-root';
import { type CfnResource, DEPLOYED_FUNCTIONS, resourcesOf, type Synthesized, synthesize } from './support';

const specs = DEPLOYED_FUNCTIONS;

describe('AWS libraries layer', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize('33');
  }, 180_000);
  afterAll(() => synth?.cleanup());

  it('is one layer per area stack, for nodejs24.x on arm64, and every function uses its own stack’s', () => {
    for (const stack of synth.stacks.areas.values()) {
      const template = synth.template(stack);
      const layers = Object.entries(template.findResources('AWS::Lambda::LayerVersion'));
      expect(layers, stack.stackName).toHaveLength(1);
      const [layerId, layer] = layers[0] as [string, CfnResource];
      expect(layer.Properties.CompatibleRuntimes).toEqual(['nodejs24.x']);
      expect(layer.Properties.CompatibleArchitectures).toEqual(['arm64']);
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as CfnResource[];
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
    }
    expect(resourcesOf(synth, 'AWS::Lambda::Function')).toHaveLength(specs.length);
  });

  it('is what every function bundle imports the AWS SDK and the tracer from, never bundling them', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Code');
    for (const spec of specs) {
      // A bundled setting (the payout configuration) is compiled in, so the test gives one.
      const { bundling } = functionCode(stack, spec, { 'payout-configuration': '{}' });
      expect(bundling?.externalModules, spec.name).toEqual(
        expect.arrayContaining(['/opt/jiahe-aws/*', '@aws-sdk/*', '@smithy/*', '@aws-crypto/*']),
      );
      // This CDK version drops `bundling.charset`; only the flag keeps the region names UTF-8.
      expect(bundling?.esbuildArgs?.['--charset'], spec.name).toBe('utf8');
      const aliases = (bundling?.esbuildArgs?.['--alias'] ?? []) as string[];
      expect(aliases, spec.name).toEqual(
        LAYER_MODULES.map((m) => `${m}=/opt/jiahe-aws/${layerEntryName(m)}.mjs`),
      );
    }
  });
});

describe('AWS libraries layer, built', () => {
  const mount = mkdtempSync(join(tmpdir(), 'jiahe-layer-test-'));
  afterAll(() => rmSync(mount, { recursive: true, force: true }));

  it('has an entry for every module, and bundling the functions leaves no SDK import outside it', async () => {
    const layer = await build({ ...layerBuildOptions(mount, REPO_ROOT), metafile: true, write: false });
    const outputs = Object.keys(layer.metafile.outputs).map((p) => join(REPO_ROOT, p));
    for (const entry of Object.values(layerAliases(mount))) expect(outputs).toContain(entry);

    const functions = await build({
      entryPoints: specs.map((s) => join(REPO_ROOT, s.entry)),
      outdir: join(mount, 'out'),
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      alias: layerAliases(mount),
      external: functionExternals(mount),
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const bundled = Object.keys(functions.metafile.inputs).filter((p) =>
      /node_modules\/(@aws-sdk|@smithy|@aws-crypto|aws-xray-sdk-core|@aws-lambda-powertools\/tracer)\//.test(
        p,
      ),
    );
    expect(bundled).toEqual([]);
    const external = Object.values(functions.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:') && !/^[a-z_]+$/.test(i.path))
      .map((i) => i.path);
    expect(external.length).toBeGreaterThan(0);
    for (const path of external) expect(path.startsWith(`${layerRoot(mount)}/`), path).toBe(true);
  }, 120_000);
});
