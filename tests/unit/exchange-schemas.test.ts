import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { SCHEMA_DIR, schemaFiles } from '../../functions/exchange/tools/schema-files';

describe('published JSON Schemas of the exchange protocol', () => {
  it('are committed and up to date (run `npm run exchange:schemas` after changing a message schema)', () => {
    for (const [path, content] of Object.entries(schemaFiles())) {
      let committed: string;
      try {
        committed = readFileSync(join(SCHEMA_DIR, path), 'utf8');
      } catch {
        throw new Error(`${SCHEMA_DIR}/${path} is missing: run npm run exchange:schemas`);
      }
      expect(committed, `${SCHEMA_DIR}/${path} is stale: run npm run exchange:schemas`).toBe(content);
    }
  });

  it('cover the envelope, the receipt and every message type', () => {
    const files = Object.keys(schemaFiles());
    expect(files).toContain('envelope.schema.json');
    expect(files).toContain('receipt.schema.json');
    for (const type of PROTOCOL_TYPES) {
      expect(files).toContain(`data/${type.replace('cn.gov.jiahe.', '')}.schema.json`);
    }
    const envelope = JSON.parse(schemaFiles()['envelope.schema.json'] ?? '{}');
    expect(envelope.required).toEqual(
      expect.arrayContaining([
        'specversion',
        'id',
        'source',
        'type',
        'time',
        'subject',
        'recipient',
        'sequence',
      ]),
    );
  });
});
