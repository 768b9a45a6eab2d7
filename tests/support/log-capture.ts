import { appendFileSync, mkdirSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * Keeps a copy of everything a test worker writes to stdout and stderr (the functions'
 * JSON logs, the local cloud's lines, console output) in `.local/logs`, so the privacy
 * scan at the end of the run reads every log line of every project. Output still reaches
 * the terminal as before.
 */
const LOG_DIR = '.local/logs';
const marker = Symbol.for('jiahe.log-capture');
const state = globalThis as { [marker]?: boolean };

if (!state[marker]) {
  state[marker] = true;
  mkdirSync(LOG_DIR, { recursive: true });
  const file = `${LOG_DIR}/worker-${process.pid}-${threadId}.log`;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      try {
        appendFileSync(file, chunk);
      } catch {
        // A full disk must not fail the test that logged; the scan then reads less.
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
