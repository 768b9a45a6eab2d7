import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { apiDescriptions, openApiDocument, openApiText } from '../../functions/openapi';

const committed = join(import.meta.dirname, '..', '..', 'docs', 'openapi.json');
type Operation = {
  security?: unknown[];
  parameters: ({ $ref: string } | { name: string; in: string })[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
const operations = (doc: Record<string, unknown>) =>
  Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

describe('OpenAPI document', () => {
  it('describes every manifest route, and describes no route a manifest lacks', () => {
    for (const manifest of manifests) {
      const routes = manifest.functions.flatMap((fn) =>
        (fn.routes ?? []).map((r) => `${r.method} ${r.path}`),
      );
      expect(Object.keys(apiDescriptions[manifest.area] ?? {}).sort(), manifest.area).toEqual(
        [...routes].sort(),
      );
    }
    const all = manifests.flatMap((m) => m.functions.flatMap((fn) => fn.routes ?? []));
    expect(
      operations(openApiDocument())
        .map((o) => o.key)
        .sort(),
    ).toEqual(all.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is committed up to date as docs/openapi.json (regenerate with npm run openapi)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(openApiText());
  });

  it('marks public routes as needing no token, and lists problem answers on every route', () => {
    const publicRoutes = new Set(
      manifests.flatMap((m) =>
        m.functions.flatMap((fn) =>
          (fn.routes ?? []).filter((r) => r.public).map((r) => `${r.method} ${r.path}`),
        ),
      ),
    );
    expect(publicRoutes.size).toBeGreaterThan(0);
    for (const { key, op } of operations(openApiDocument())) {
      if (publicRoutes.has(key)) {
        expect(op.security, key).toEqual([]);
      } else {
        expect(op.security, key).toBeUndefined();
        expect(op.responses['401'], key).toBeDefined();
        expect(op.responses['403'], key).toBeDefined();
      }
      expect(op.responses['500'], key).toBeDefined();
      if (op.requestBody) expect(op.responses['422'], key).toBeDefined();
    }
  });

  it('gives examples the schemas the handlers validate with accept', () => {
    for (const [area, description] of Object.entries(apiDescriptions)) {
      for (const [key, route] of Object.entries(description)) {
        if (!route.body) continue;
        expect(route.bodyExample, `${area} ${key} has a body example`).toBeDefined();
        const parsed = route.body.safeParse(route.bodyExample);
        expect(parsed.success ? [] : parsed.error.issues, `${area} ${key}`).toEqual([]);
        for (const [status, response] of Object.entries(route.responses)) {
          if (response.schema && response.example !== undefined) {
            const answer = response.schema.safeParse(response.example);
            expect(answer.success ? [] : answer.error.issues, `${key} ${status}`).toEqual([]);
          }
        }
      }
    }
  });

  it('documents pagination: a cursor in and the next cursor out', () => {
    const doc = openApiDocument();
    for (const [area, description] of Object.entries(apiDescriptions)) {
      for (const [key, route] of Object.entries(description)) {
        if (!route.paginated) continue;
        const op = operations(doc).find((o) => o.key === key)?.op;
        const names = (op?.parameters ?? []).map((p) => ('name' in p ? p.name : ''));
        expect(names, `${area} ${key}`).toEqual(expect.arrayContaining(['cursor', 'limit']));
      }
    }
  });
});

describe('route descriptions match the handlers', () => {
  it('name the very schemas each handler parses its path, query and body with', async () => {
    const { readFileSync: read } = await import('node:fs');
    let checked = 0;
    for (const manifest of manifests) {
      // The area's exported schemas by identity, so a description's schema can be named.
      const exported = new Map<unknown, string>(
        Object.entries(await import(`../../functions/${manifest.area}/schemas.ts`)).map(([name, value]) => [
          value,
          name,
        ]),
      );
      for (const fn of manifest.functions) {
        const source = read(join(import.meta.dirname, '..', '..', fn.entry), 'utf8');
        for (const route of fn.routes ?? []) {
          const key = `${route.method} ${route.path}`;
          const d = apiDescriptions[manifest.area]?.[key];
          for (const [part, schema] of [
            ['path', d?.params],
            ['query', d?.query],
            ['body', d?.body],
          ] as const) {
            const name = exported.get(schema);
            if (!name) continue;
            const call =
              part === 'body'
                ? new RegExp(`parseJsonBody\\(event, ${name}\\)`)
                : new RegExp(`parseWith\\(${name}, (request\\.)?\\w+, '${part}'\\)`);
            expect(source, `${key}: ${part} is parsed with ${name} in ${fn.entry}`).toMatch(call);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
