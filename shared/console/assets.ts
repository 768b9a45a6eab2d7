import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export type ConsoleAnswer = { status: number; headers?: Record<string, string>; body?: string | Buffer };

/**
 * The console's rules: everything from this origin only. Styles allow inline because Ant
 * Design writes its component styles at run time; scripts never do. QR codes are data: images.
 * `connectOrigins` are the other origins the app may call: in the cloud, the staff identity
 * provider's token endpoint (the code-for-token exchange is a fetch); locally none.
 */
export const consoleCsp = (connectOrigins: readonly string[] = []): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The rules of the local cloud's console, where the identity provider shares the origin. */
export const CONSOLE_CSP = consoleCsp();

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const readOrUndefined = (path: string) => readFile(path).catch(() => undefined);

/**
 * The built console (console/dist) under `/console`: files by path, hashed assets cached
 * for good, any other path the app's page (its router decides), and `config.json` from the
 * province's own settings. Undefined for paths outside `/console`. The local gateway and
 * the console's function in the cloud both answer with it.
 */
export async function consoleAnswer(
  method: string,
  path: string,
  options: {
    readonly dir: string;
    readonly settings: () => unknown;
    /** Default CONSOLE_CSP. */
    readonly csp?: string;
  },
): Promise<ConsoleAnswer | undefined> {
  // HEAD as GET: the gateway's HTTP server leaves the body out.
  if (!(method === 'GET' || method === 'HEAD') || !(path === '/console' || path.startsWith('/console/')))
    return undefined;
  const secure = {
    'content-security-policy': options.csp ?? CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
  };
  if (path === '/console') return { status: 308, headers: { location: '/console/' } };
  if (path === '/console/config.json') {
    return {
      status: 200,
      headers: { ...secure, 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(await options.settings()),
    };
  }
  const relative = normalize(decodeURIComponent(path.slice('/console/'.length)));
  if (relative.startsWith('..') || relative.includes(`${sep}..`)) return { status: 404, headers: secure };
  const type = TYPES[extname(relative)];
  if (relative && type) {
    const body = await readOrUndefined(join(options.dir, relative));
    if (!body) return { status: 404, headers: secure };
    const immutable = relative.startsWith('assets/');
    return {
      status: 200,
      headers: {
        ...secure,
        'content-type': type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body,
    };
  }
  const page = await readOrUndefined(join(options.dir, 'index.html'));
  if (!page) {
    return {
      status: 503,
      headers: { ...secure, 'content-type': 'text/plain; charset=utf-8' },
      body: 'The console is not built: run `npm run -w console build`.',
    };
  }
  return {
    status: 200,
    headers: { ...secure, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    body: page,
  };
}
