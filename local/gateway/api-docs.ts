import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer };

/** The viewer's files, from the pinned swagger-ui-dist package: nothing is fetched from elsewhere. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jiahe API</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: false,
  // No call to the public validator service: everything stays on this machine.
  validatorUrl: null,
});
</script>
</body>
</html>
`;

// Loaded on first use: the document pulls in every area's schemas, which the gateway otherwise never needs.
let documentText: Promise<string> | undefined;
const openApiDocument = (): Promise<string> =>
  (documentText ??= import('../../functions/openapi').then((m) => m.openApiText()));

const assetDir = (): string =>
  dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The local API documentation: `/docs` (an interactive viewer), `/docs/openapi.json` (the
 * document, generated from the same descriptions as docs/openapi.json) and the viewer's
 * assets. Undefined for any other path, so the gateway routes it as usual.
 */
export async function apiDocsAnswer(method: string, path: string): Promise<Answer | undefined> {
  if (method !== 'GET' || !(path === '/docs' || path.startsWith('/docs/'))) return undefined;
  if (path === '/docs' || path === '/docs/') {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE };
  }
  if (path === '/docs/openapi.json') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: await openApiDocument() };
  }
  const name = path.slice('/docs/assets/'.length);
  const type = path.startsWith('/docs/assets/') ? ASSETS[name] : undefined;
  if (!type) return undefined;
  return {
    status: 200,
    headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' },
    body: await readFile(join(assetDir(), name)),
  };
}
