import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEQUENCE_PATTERN } from '../../functions/exchange/domain/envelope';
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

  const parsedFiles = () =>
    Object.entries(schemaFiles()).map(([path, content]) => [path, JSON.parse(content)] as const);

  /** Every object schema in a schema, nested ones included. */
  const objectSchemas = (node: unknown): Record<string, unknown>[] => {
    if (node === null || typeof node !== 'object') return [];
    const children = Object.values(node).flatMap(objectSchemas);
    return (node as { type?: unknown }).type === 'object'
      ? [node as Record<string, unknown>, ...children]
      : children;
  };

  it('let unknown members through, as readers ignore them (§12)', () => {
    for (const [path, schema] of parsedFiles()) {
      for (const object of objectSchemas(schema)) {
        expect(object.additionalProperties, path).not.toBe(false);
      }
    }
  });

  it('describe every member of every message type’s data', () => {
    for (const [path, schema] of parsedFiles()) {
      if (!path.startsWith('data/')) continue;
      for (const object of objectSchemas(schema)) {
        for (const [name, member] of Object.entries(
          object.properties as Record<string, { description?: string }>,
        )) {
          expect(member.description, `${path}: ${name}`).toMatch(/\S/);
        }
      }
    }
  });

  it('give sequence the pattern the inbox enforces', () => {
    const envelope = JSON.parse(schemaFiles()['envelope.schema.json'] ?? '{}');
    expect(envelope.properties.sequence.pattern).toBe(SEQUENCE_PATTERN.source);
    const pattern = new RegExp(envelope.properties.sequence.pattern, 'u');
    expect(['1', '17', '999999999999999'].every((s) => pattern.test(s))).toBe(true);
    expect(['0', '007', '1.5', '-3', '1000000000000000'].some((s) => pattern.test(s))).toBe(false);
  });
});
