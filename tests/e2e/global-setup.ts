import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startLocalCloud } from '../../local/cloud';
import { scanForLeaks } from '../proof/support/leaks';

declare module 'vitest' {
  export interface ProvidedContext {
    province33: string;
    province51: string;
    province44: string;
    e2eLogFile: string;
    e2eDynamodbEndpoint: string;
    e2eSqsEndpoint: string;
  }
}

/**
 * Starts the local cloud exactly as `npm start -- --provinces 33,51,44` does, each province
 * on a free loopback port (the third for claims across three provinces), and keeps every log line of the run in a file the privacy test reads.
 */
export default async function setup(project: TestProject) {
  mkdirSync('.local', { recursive: true });
  const logFile = '.local/e2e.log';
  const out = createWriteStream(logFile, { flags: 'w' });
  const cloud = await startLocalCloud({
    provinces: { '33': 0, '51': 0, '44': 0 },
    log: (source, line) => out.write(`[${source}] ${line}\n`),
  });
  const url = (code: string) => cloud.provinces.find((p) => p.province === code)?.url ?? '';
  project.provide('province33', url('33'));
  project.provide('province51', url('51'));
  project.provide('province44', url('44'));
  project.provide('e2eLogFile', logFile);
  project.provide('e2eDynamodbEndpoint', cloud.endpoints.dynamodb);
  project.provide('e2eSqsEndpoint', cloud.endpoints.sqs);
  return async () => {
    await cloud.stop();
    await new Promise((resolve) => out.end(resolve));
    // The whole run's log, after every test: no line may carry a resident ID, account or token.
    const leaks = scanForLeaks(readFileSync(logFile, 'utf8').split('\n'));
    if (leaks.residentIds + leaks.accounts + leaks.tokens > 0)
      throw new Error(
        `the local cloud's log (${logFile}) holds ${leaks.residentIds} resident ID(s), ` +
          `${leaks.accounts} account number(s) and ${leaks.tokens} token(s)`,
      );
  };
}
