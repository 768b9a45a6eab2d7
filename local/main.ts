/**
 * `npm start`: the local cloud with two provinces, until Ctrl-C.
 *   --persist [dir]     keep data between runs (default dir .local/data)
 *   --port-33 <port>    gateway port of province 33 (default 3033); likewise --port-51
 *   --provinces 33,51   which provinces to run
 */
import { parseArgs } from 'node:util';
import { REPO_ROOT, startLocalCloud } from './cloud';
import { ensureConsoleBuilt } from './console-build';

const { values } = parseArgs({
  options: {
    persist: { type: 'string' },
    'persist-default': { type: 'boolean' },
    provinces: { type: 'string', default: '33,51' },
    'port-33': { type: 'string', default: process.env.JIAHE_PORT_33 ?? '3033' },
    'port-51': { type: 'string', default: process.env.JIAHE_PORT_51 ?? '3051' },
  },
  args: process.argv
    .slice(2)
    .map((a, i, all) =>
      a === '--persist' && (all[i + 1] ?? '--').startsWith('--') ? '--persist-default' : a,
    ),
  allowPositionals: false,
});

const provinces: Record<string, number> = {};
for (const code of (values.provinces ?? '').split(',').filter(Boolean)) {
  if (!/^[1-9]\d$/.test(code)) throw new Error(`not a province code: ${code}`);
  const given = code === '33' ? values['port-33'] : code === '51' ? values['port-51'] : undefined;
  const port = Number(given ?? 3000 + Number(code));
  provinces[code] = port;
}
const persistDir = values.persist ?? (values['persist-default'] ? '.local/data' : undefined);

ensureConsoleBuilt(REPO_ROOT);
const started = performance.now();
const cloud = await startLocalCloud({ provinces, ...(persistDir ? { persistDir } : {}) });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const first = cloud.provinces[0];
console.log(`
jiahe local cloud is up (${seconds} s)${persistDir ? `, data kept in ${persistDir}` : ', in memory'}
${cloud.provinces.map((p) => `  province ${p.province}: ${p.url}   (health: ${p.url}/health)`).join('\n')}
  DynamoDB Local: ${cloud.endpoints.dynamodb}   SQS emulator: ${cloud.endpoints.sqs}

Staff console (sign in as any dev staff member):
${cloud.provinces.map((p) => `  province ${p.province}: ${p.url}/console/`).join('\n')}

Get a dev token and call the API:
  TOKEN=$(curl -s -X POST ${first?.url}/dev/token -H 'content-type: application/json' \\
    -d '{"sub":"registrar-1","roles":["registrar"],"region":"330100"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST ${first?.url}/v1/persons -H "authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' \\
    -d '{"residentId":"33010619900101123X","name":"王小明","sex":"male","birthDate":"1990-01-01","hukouRegion":"330106","residenceRegion":"330106"}'

Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await cloud.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
