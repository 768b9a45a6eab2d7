#!/usr/bin/env node
// Launcher for the operator CLI: runs local/cli/main.ts with the project's own Node 24 and
// tsx, whatever Node started this script, and passes on arguments and the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const projectNode = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const node = existsSync(projectNode) ? projectNode : process.execPath;
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const result = spawnSync(node, [tsx, join(root, 'local', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (result.error) {
  console.error(`jiahe: cannot start the CLI (${result.error.message}); run \`npm ci\` first.`);
  process.exit(3);
}
process.exit(result.status ?? 1);
