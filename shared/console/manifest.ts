import type { FunctionSpec } from '../manifest';

/** Environment variable that carries the console's client id at the staff identity provider. */
export const CONSOLE_CLIENT_ID_ENV = 'JIAHE_CONSOLE_CLIENT_ID';

/**
 * The function that serves the staff console (shared/console/handler.ts) on the API's own
 * origin. Public routes: the page and its scripts hold no data; every call the app makes
 * goes to the API with the staff member's token. Its own limit, above the public default:
 * a console's first load is about a dozen files per staff member.
 */
export const CONSOLE_FUNCTION: FunctionSpec = {
  name: 'console-assets',
  description: 'Serves the staff console (static files and its sign-in settings) under /console',
  entry: 'shared/console/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 10,
  routes: [
    { method: 'GET', path: '/console', roles: [], public: true },
    { method: 'GET', path: '/console/{proxy+}', roles: [], public: true, throttle: { rate: 50, burst: 200 } },
  ],
  tables: [],
  sends: [],
  files: [{ from: 'console/dist', to: 'console', builtBy: 'npm run -w console build' }],
};
