import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the console's build reads: when any of it is newer than the build, the build is stale. */
const INPUTS = [
  'console/src',
  'console/index.html',
  'console/vite.config.ts',
  'console/package.json',
  'docs/openapi.json',
];

const newestIn = (path: string): number => {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestIn(join(path, name))));
};

/** True when console/dist is missing or older than one of its inputs. */
export function consoleBuildIsStale(repoRoot: string): boolean {
  const built = statSync(join(repoRoot, 'console/dist/index.html'), { throwIfNoEntry: false });
  if (!built) return true;
  return INPUTS.some((input) => newestIn(join(repoRoot, input)) > built.mtimeMs);
}

/**
 * Builds the staff console when its build is missing or stale, so `npm start` serves what
 * the sources say; a fresh build costs only the modification-time check.
 */
export function ensureConsoleBuilt(repoRoot: string, log: (line: string) => void = console.log): void {
  if (!consoleBuildIsStale(repoRoot)) return;
  log('building the staff console (console/dist is missing or older than its sources)…');
  const result = spawnSync('npm', ['run', '--silent', '-w', 'console', 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    // A production build whoever calls (vitest sets NODE_ENV=test, which would bundle React's development build).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error('the staff console did not build: see the output above');
}
