import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DynamoDbLocalDistribution } from './distribution';

const run = promisify(execFile);

const MAIN_CLASS = 'JiaheDynamoDbLauncher';
const SOURCE = fileURLToPath(new URL(`./${MAIN_CLASS}.java`, import.meta.url));

/** What to put after the JVM options on the `java` command line to run the launcher. */
export interface LauncherCommand {
  /** `-cp …` and the main class (or source file); the launcher's own arguments follow. */
  readonly args: readonly string[];
  /** `compiled` when a cached class file is used; `source` when Java compiles it at each start. */
  readonly mode: 'compiled' | 'source';
}

/**
 * Compiles the launcher once and caches the class under `node_modules/.cache/jiahe`, keyed by
 * the source and the DynamoDB Local release, so later starts skip compilation (about a
 * second). The cache lives beside the dependencies rather than in the shared temp folder so
 * no other user of the machine can plant a class there. Without `javac` (a JRE only) it falls
 * back to Java's single-file source launch, which needs no compiler step but pays it each time.
 */
export const prepareLauncher = async (dist: DynamoDbLocalDistribution): Promise<LauncherCommand> => {
  const source = await readFile(SOURCE);
  const key = createHash('sha256').update(source).update('\0').update(basename(dist.dir)).digest('hex');
  const classesDir = join(dist.nodeModulesDir, '.cache', 'jiahe', 'dynamodb-launcher', key.slice(0, 16));
  const compiled = {
    args: ['-cp', `${classesDir}${delimiter}${dist.jar}`, MAIN_CLASS],
    mode: 'compiled',
  } as const;
  if (existsSync(join(classesDir, `${MAIN_CLASS}.class`))) return compiled;

  // Compile into a private folder, then rename: concurrent starts (parallel test files) never
  // see a half-written class, and the loser of the race just discards its copy.
  const staging = `${classesDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    await run('javac', ['--release', '17', '-nowarn', '-d', staging, '-cp', dist.jar, SOURCE]);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { args: ['-cp', dist.jar, SOURCE], mode: 'source' };
    }
    const output = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`Compiling the DynamoDB Local launcher failed:\n${output}`);
  }
  try {
    await rename(staging, classesDir);
  } catch {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(classesDir, `${MAIN_CLASS}.class`)))
      throw new Error(`Cannot populate ${classesDir}`);
  }
  return compiled;
};
