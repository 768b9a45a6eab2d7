/**
 * The AWS libraries layer: the AWS SDK clients and the X-Ray tracer, built once from the
 * lock file's versions and shared by every function, which imports them from the layer's
 * absolute path instead of bundling its own copy.
 *
 * Plain data and esbuild options only (no aws-cdk-lib), so the cold-start benchmark builds
 * the layer and the functions exactly as the CDK app does.
 */
import type { BuildOptions } from 'esbuild';

/** Where Lambda mounts layers. */
export const LAYER_MOUNT = '/opt';

/** The layer's folder under the mount. */
export const LAYER_FOLDER = 'jiahe-aws';

/**
 * Every package entry that function code (or a library it bundles) imports from the SDK,
 * plus the tracer, which only functions with tracing on load. A missing entry is not
 * bundled by mistake: the SDK scopes stay external (FUNCTION_EXTERNALS), so the import
 * fails in the cold-start benchmark instead of reaching Lambda.
 */
export const LAYER_MODULES = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-secrets-manager',
  // The AWS Encryption SDK (field envelope encryption) and its message-header reader.
  '@aws-crypto/client-node',
  '@aws-crypto/serialize',
  '@aws-lambda-powertools/tracer',
  '@aws-lambda-powertools/tracer/middleware',
] as const;

/**
 * Layer modules built from an entry file of their own instead of the package itself:
 * CommonJS-only packages, whose exports an ESM bundle names only through such a file.
 */
export const LAYER_ENTRY_FILES: Readonly<Partial<Record<(typeof LAYER_MODULES)[number], string>>> = {
  '@aws-crypto/client-node': 'infra/constructs/layer-entries/aws-crypto-client-node.ts',
};

/** Packages that must never be bundled into a function: they come from the layer. */
export const LAYER_SCOPES = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'] as const;

/**
 * ESM bundles have no `require`; some dependencies still call it for Node built-ins.
 * This banner gives them one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** File name (without extension) of a module's entry in the layer: `@aws-sdk/client-sqs` → `aws-sdk-client-sqs`. */
export function layerEntryName(module: string): string {
  return module.replace(/^@/, '').replaceAll('/', '-');
}

/** The folder holding the layer's modules when the layer is mounted at `mount`. */
export function layerRoot(mount: string = LAYER_MOUNT): string {
  return `${mount}/${LAYER_FOLDER}`;
}

/** esbuild aliases sending each layer module to its absolute path in the mounted layer. */
export function layerAliases(mount: string = LAYER_MOUNT): Record<string, string> {
  return Object.fromEntries(
    LAYER_MODULES.map((module) => [module, `${layerRoot(mount)}/${layerEntryName(module)}.mjs`]),
  );
}

/**
 * What a function bundle leaves external: the mounted layer (absolute imports, which ESM
 * resolves without NODE_PATH) and the SDK scopes, so nothing of the SDK is bundled twice.
 */
export function functionExternals(mount: string = LAYER_MOUNT): string[] {
  return [`${layerRoot(mount)}/*`, ...LAYER_SCOPES];
}

/**
 * esbuild options building the layer into `outputDir` (the layer's root): one ESM entry
 * per module with code splitting, so the clients share one copy of @smithy/core and the
 * credential providers Lambda never needs (SSO, STS) stay in chunks nobody loads.
 */
export function layerBuildOptions(outputDir: string, repoRoot: string): BuildOptions {
  return {
    entryPoints: LAYER_MODULES.map((module) => ({
      in: LAYER_ENTRY_FILES[module] ?? module,
      out: layerEntryName(module),
    })),
    absWorkingDir: repoRoot,
    outdir: `${outputDir}/${LAYER_FOLDER}`,
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    charset: 'utf8',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  };
}
