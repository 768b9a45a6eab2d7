/**
 * Bundles a handler the way the CDK app bundles it for Lambda (see
 * infra/constructs/function-code.ts), builds the AWS libraries layer the way the CDK app
 * builds it (infra/constructs/aws-libraries-layer.ts), so benchmarks measure the code that
 * deploys, and reads esbuild's metafiles to say which packages make a bundle big and how
 * much of the layer a function loads.
 *
 * The function options are repeated here rather than imported because function-code.ts
 * pulls in aws-cdk-lib (about half a second to load); keep the two in step. The layer's
 * modules, aliases and build options are shared (aws-libraries.ts has no CDK import).
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import {
  ESM_REQUIRE_BANNER,
  functionExternals,
  layerAliases,
  layerBuildOptions,
  layerRoot,
} from '../../infra/constructs/aws-libraries';

/** The repository root, from this file's place in tests/bench. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Label for bundle inputs that are not in node_modules (the repository's own code). */
export const PROJECT = '(project)';

export interface BundleRequest {
  /** Short name used in reports and as the output file name. */
  readonly name: string;
  /** Absolute path of the module exporting `handler`. */
  readonly entry: string;
  /** Folder the `.mjs` is written to. */
  readonly outdir: string;
  /**
   * Extra folders to resolve packages from, for entries outside the repository (generated
   * baselines in a temp folder), which would otherwise find no node_modules above them.
   */
  readonly nodePaths?: readonly string[];
  /**
   * The folder standing in for Lambda's /opt, where buildLayer put the layer: the function
   * imports the layer's modules from there. Absent: everything bundled (the bare baselines).
   */
  readonly layerMount?: string;
}

export interface LambdaBundle {
  readonly name: string;
  readonly outfile: string;
  /** Size of the minified `.mjs` on disk. */
  readonly bytes: number;
  readonly metafile: Metafile;
}

/**
 * Bundles one entry as the CDK app does: Node 24, ESM with a `require` shim, minified,
 * the AWS SDK and tracer imported from the layer mounted at `layerMount`. Source maps are
 * left out: the CDK app adds them as a separate file, which does not change the module
 * Node loads unless `--enable-source-maps` is on.
 */
export async function bundleForLambda(request: BundleRequest): Promise<LambdaBundle> {
  const outfile = join(request.outdir, `${request.name}.mjs`);
  const result = await build({
    entryPoints: [request.entry],
    outfile,
    absWorkingDir: REPO_ROOT,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    bundle: true,
    minify: true,
    charset: 'utf8',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    ...(request.layerMount
      ? { alias: layerAliases(request.layerMount), external: functionExternals(request.layerMount) }
      : { external: [] }),
    metafile: true,
    logLevel: 'silent',
    ...(request.nodePaths ? { nodePaths: [...request.nodePaths] } : {}),
  });
  const { size } = await stat(outfile);
  return { name: request.name, outfile, bytes: size, metafile: result.metafile };
}

/**
 * The package an esbuild input path belongs to: the name after the last `node_modules`
 * (scoped names keep their scope, so each `@smithy/*` package counts on its own), or
 * PROJECT for the repository's own files.
 */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return PROJECT;
  const first = parts[at + 1] ?? PROJECT;
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}

export interface Contributor {
  readonly name: string;
  /** Bytes this package's modules take in the minified output. */
  readonly bytes: number;
}

/**
 * Bytes in the bundle by package, largest first, from the output's per-input byte counts
 * (what survived tree shaking and minification, not the size of the sources).
 */
export function contributors(bundle: LambdaBundle): Contributor[] {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`metafile of ${bundle.name} has no entry output`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** The AWS libraries layer as built into a folder standing in for /opt. */
export interface LayerBuild {
  readonly mount: string;
  /** All files of the layer. */
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** Builds the layer under `mount` with the CDK app's options (aws-libraries.ts). */
export async function buildLayer(mount: string): Promise<LayerBuild> {
  const result = await build({ ...layerBuildOptions(mount, REPO_ROOT), metafile: true });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  return { mount, bytes, metafile: result.metafile };
}

/**
 * Bytes of the layer a bundle loads when imported: the layer modules it imports statically
 * and the chunks those import, each file once. Dynamic imports (the tracer, loaded only
 * when tracing is on; credential providers Lambda does not use) are not counted.
 */
export function layerBytesLoaded(bundle: LambdaBundle, layer: LayerBuild): number {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
  // Metafile paths are relative to the working directory.
  const outputs = new Map(
    Object.entries(layer.metafile.outputs).map(([key, o]) => [resolve(REPO_ROOT, key), o]),
  );
  const files = new Set<string>();
  const visit = (path: string): void => {
    if (files.has(path)) return;
    files.add(path);
    for (const i of outputs.get(path)?.imports ?? []) {
      if (i.kind === 'import-statement') visit(resolve(REPO_ROOT, i.path));
    }
  };
  const root = layerRoot(layer.mount);
  for (const i of output?.imports ?? []) {
    if (i.kind === 'import-statement' && i.path.startsWith(root)) visit(i.path);
  }
  return [...files].reduce((sum, p) => sum + (outputs.get(p)?.bytes ?? 0), 0);
}
