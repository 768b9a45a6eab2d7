/**
 * One function's runtime, as a Lambda container would be: its own process with only the
 * environment its manifest grants, one invocation at a time, module state kept between
 * invocations (warm starts) until the process ends.
 */
import { pathToFileURL } from 'node:url';
import { lambdaContext } from './lambda-context';
import type { FromRuntime, ToRuntime } from './protocol';

const entry = process.env.LOCAL_FUNCTION_ENTRY ?? '';
const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
const memory = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 128);
const province = process.env.JIAHE_PROVINCE ?? '';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const send = (message: FromRuntime) => process.send?.(message);
const module_ = (await import(pathToFileURL(entry).href)) as { handler?: Handler };
const handler = module_.handler;
if (typeof handler !== 'function') throw new Error(`${entry} does not export a handler`);

let queue = Promise.resolve();
process.on('message', (message: ToRuntime) => {
  if (message.kind !== 'invoke') return;
  queue = queue.then(async () => {
    try {
      const result = await handler(message.event, lambdaContext(name, memory, message.deadline, province));
      send({ kind: 'result', id: message.id, result });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      send({ kind: 'error', id: message.id, name: e.name, message: e.message });
    }
  });
});
process.on('disconnect', () => process.exit(0));
send({ kind: 'ready' });
