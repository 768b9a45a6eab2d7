// The first load's JavaScript, gzipped: the entry chunk and every chunk it imports statically
// (what the browser fetches before the first screen). Lazy routes are not counted: they load
// with their screen. Fails the build above the budget.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 350 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const firstLoad = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstLoad.has(chunk.file)) return;
  firstLoad.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

const files = [...firstLoad]
  .filter((file) => file.endsWith('.js'))
  .map((file) => ({ file, gzipBytes: gzipSync(readFileSync(join(dist, file))).length }));
const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry).length;
const report = { firstLoadJsGzipBytes: total, budgetBytes: BUDGET_BYTES, files, lazyChunks: lazy };
writeFileSync(join(dist, 'bundle-size.json'), `${JSON.stringify(report, null, 2)}\n`);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `first load JavaScript: ${kib(total)} gzipped in ${files.length} file(s) (budget ${kib(BUDGET_BYTES)}); ${lazy} lazy chunk(s)`,
);
if (total > BUDGET_BYTES) {
  console.error('over the first-load budget: split a route or drop a dependency');
  process.exit(1);
}
