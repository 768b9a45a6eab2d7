import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root. Manifest entries are paths from here, and the lock file that
 * NodejsFunction needs lives here; resolving from this file instead of the working
 * directory lets tests and the CLI run from anywhere.
 */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
