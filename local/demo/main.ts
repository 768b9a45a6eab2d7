import { parseArgs } from 'node:util';
import { apiAt, UnreachableError } from '../client/http';
import { newStoryState, type StoryState, steps, summaryOf } from './story';

/**
 * `npm run demo`: tells the cross-province story against a running `npm start`.
 * `--zhejiang <url>` / `JIAHE_URL_33` and `--sichuan <url>` / `JIAHE_URL_51` point it elsewhere.
 */
const USAGE = `npm run demo [-- --zhejiang <url>] [--sichuan <url>]

Tells the cross-province story with real API calls against a running \`npm start\`.
  --zhejiang <url>   province 33's API (default JIAHE_URL_33 or http://127.0.0.1:3033)
  --sichuan <url>    province 51's API (default JIAHE_URL_51 or http://127.0.0.1:3051)
  --help             this text`;

const { values } = parseArgs({
  options: {
    zhejiang: { type: 'string' },
    sichuan: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const zjUrl = values.zhejiang ?? process.env.JIAHE_URL_33 ?? 'http://127.0.0.1:3033';
const scUrl = values.sichuan ?? process.env.JIAHE_URL_51 ?? 'http://127.0.0.1:3051';
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const state: StoryState = newStoryState();
console.log(bold('jiahe 家和 — a family between two provinces'));
console.log(`Zhejiang (33) ${zjUrl} · Sichuan (51) ${scUrl}\n`);
let index = 0;
try {
  for (const step of steps) {
    index += 1;
    console.log(bold(`${index}. ${step.title}`));
    await step.run({
      zhejiang: apiAt(zjUrl),
      sichuan: apiAt(scUrl),
      say: (line) => console.log(`   ${line}`),
      state,
    });
    console.log('');
  }
} catch (error) {
  console.error(`\nStep ${index} failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UnreachableError) console.error('Start both provinces first: npm start');
  process.exit(1);
}

console.log(bold('Summary'));
for (const line of summaryOf(state)) console.log(`   ${line}`);
const DEFAULT_33 = 'http://127.0.0.1:3033';
const cli = (args: string, url = zjUrl) => `npx jiahe ${args}${url === DEFAULT_33 ? '' : ` --url ${url}`}`;
const batch = state.batch33?.batchId;
console.log(`
${bold('Explore further')}
   API docs:             ${zjUrl}/docs
   the batch:            ${cli(`batch show ${batch}`)}
   its payment file:     ${cli(`batch export ${batch} --out pain001.xml`)}
   exchange messages:    ${cli('exchange list --partner 51 --direction outbound')}
   Sichuan's side:       ${cli('exchange list --partner 33 --direction inbound', scUrl)}
   run a batch yourself: ${cli(`batch plan --scheme only-child-reward --period ${state.period} --region 330000`)}
                         then batch submit <batchId>, batch approve <batchId> --wait, batch payments <batchId>
   health and DLQs:      curl -s ${zjUrl}/health
   all CLI commands:     npx jiahe --help`);
