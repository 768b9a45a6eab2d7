/**
 * `npm run exchange:schemas`: writes the JSON Schemas partners implement against into
 * docs/exchange/schemas/, from the zod schemas the inbox enforces. A unit test fails when
 * the committed files are out of date.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCHEMA_DIR, schemaFiles } from './schema-files';

rmSync(SCHEMA_DIR, { recursive: true, force: true });
for (const [path, content] of Object.entries(schemaFiles())) {
  const target = join(SCHEMA_DIR, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(`wrote ${Object.keys(schemaFiles()).length} schema files to ${SCHEMA_DIR}`);
