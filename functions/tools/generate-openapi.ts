import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from '../openapi';

/** Regenerates docs/openapi.json from the areas' route descriptions (`npm run openapi`). */
const target = join(import.meta.dirname, '..', '..', 'docs', 'openapi.json');
writeFileSync(target, openApiText());
console.log(`wrote ${target}`);
