import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { LAYER_ENTRY_FILES, LAYER_MODULES, layerBuildOptions } from './aws-libraries';
import { REPO_ROOT } from './repo-root';

const ID = 'AwsLibrariesLayer';

/**
 * The asset changes exactly when what goes into it does: the lock file (the versions), the
 * module list, the entry files and the build options.
 */
function layerHash(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(REPO_ROOT, 'package-lock.json')))
    .update(JSON.stringify(LAYER_MODULES))
    .update(JSON.stringify(layerBuildOptions('', '')));
  for (const file of Object.values(LAYER_ENTRY_FILES)) hash.update(readFileSync(join(REPO_ROOT, file)));
  return hash.digest('hex');
}

/**
 * The AWS libraries layer of a stack (see aws-libraries.ts), built by the local esbuild
 * from the lock file's versions, one per stack so no stack depends on another for it.
 */
export function awsLibrariesLayer(scope: Construct): LayerVersion {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(ID);
  if (existing) return existing as LayerVersion;
  return new LayerVersion(stack, ID, {
    description: 'AWS SDK clients and X-Ray tracer at the versions of the lock file',
    compatibleRuntimes: [Runtime.NODEJS_24_X],
    compatibleArchitectures: [Architecture.ARM_64],
    code: Code.fromAsset(dirname(fileURLToPath(import.meta.url)), {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: layerHash(),
      bundling: {
        // Never used: local bundling always answers (esbuild is a dependency of the app).
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
        local: {
          tryBundle(outputDir: string): boolean {
            buildSync(layerBuildOptions(outputDir, REPO_ROOT));
            return true;
          },
        },
      },
    }),
  });
}
