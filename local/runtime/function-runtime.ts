import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FunctionSpec } from '../../shared/manifest';
import type { FromRuntime, ToRuntime } from './protocol';

export interface FunctionRuntime {
  readonly spec: FunctionSpec;
  /** Runs one invocation; rejects when the handler throws or exceeds its timeout. */
  invoke(event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly spec: FunctionSpec;
  /** The whole environment of the function's process: only what the manifest grants. */
  readonly env: Readonly<Record<string, string>>;
  readonly repoRoot: string;
  /** Concurrent instances, like Lambda's concurrency for this function. */
  readonly maxInstances: number;
  readonly log: (line: string) => void;
}

interface Instance {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy: boolean;
  pending?: {
    id: number;
    resolve: (value: unknown) => void;
    reject: (error: Error) => void;
    timer: NodeJS.Timeout;
  };
}

export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const WORKER = new URL('./worker.ts', import.meta.url).pathname;

/**
 * Runs a function the way Lambda does: each instance a separate process with its own
 * environment and module state, one invocation per instance at a time, killed when it
 * runs past its timeout. Instances start on demand up to `maxInstances`.
 */
export function startFunctionRuntime(options: RuntimeOptions): FunctionRuntime {
  const { spec } = options;
  const instances: Instance[] = [];
  const waiting: Array<() => void> = [];
  let nextId = 1;
  let stopped = false;

  const spawnInstance = (): Instance => {
    const child = fork(WORKER, [], {
      cwd: options.repoRoot,
      env: { ...options.env, LOCAL_FUNCTION_ENTRY: `${options.repoRoot}/${spec.entry}` },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', options.log);
    }
    let markReady: () => void = () => undefined;
    let failStart: (error: Error) => void = () => undefined;
    const instance: Instance = {
      child,
      busy: false,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failStart = reject;
      }),
    };
    child.on('message', (message: FromRuntime) => {
      if (message.kind === 'ready') return markReady();
      const pending = instance.pending;
      if (!pending || pending.id !== message.id) return;
      clearTimeout(pending.timer);
      instance.pending = undefined;
      if (message.kind === 'result') pending.resolve(message.result);
      else pending.reject(new FunctionError(message.name, message.message));
    });
    // A worker that is gone (killed after a timeout, or crashed) cannot take a message: the
    // send fails with this event, and the invocation with it, never the whole local cloud.
    child.on('error', (error) => {
      const pending = instance.pending;
      if (!pending) return;
      clearTimeout(pending.timer);
      instance.pending = undefined;
      pending.reject(new FunctionError('Runtime.ExitError', `${spec.name}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      const index = instances.indexOf(instance);
      if (index >= 0) instances.splice(index, 1);
      failStart(new Error(`${spec.name} exited during init (${signal ?? code})`));
      instance.pending?.reject(
        new FunctionError('Runtime.ExitError', `${spec.name} exited (${signal ?? code})`),
      );
      if (instance.pending) clearTimeout(instance.pending.timer);
      instance.pending = undefined;
      waiting.shift()?.();
    });
    instances.push(instance);
    return instance;
  };

  const acquire = async (): Promise<Instance> => {
    for (;;) {
      if (stopped) throw new Error(`${spec.name} is stopped`);
      const idle = instances.find((i) => !i.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (instances.length < options.maxInstances) {
        const fresh = spawnInstance();
        fresh.busy = true;
        return fresh;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  return {
    spec,
    async invoke(event) {
      const instance = await acquire();
      try {
        await instance.ready;
        const id = nextId++;
        const timeoutMs = spec.timeoutSeconds * 1000;
        return await new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            instance.pending = undefined;
            // Not reused: the next invocation starts a fresh worker, as Lambda does after a timeout.
            const index = instances.indexOf(instance);
            if (index >= 0) instances.splice(index, 1);
            instance.child.kill('SIGKILL');
            reject(
              new FunctionError('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds} seconds`),
            );
          }, timeoutMs);
          instance.pending = { id, resolve, reject, timer };
          const message: ToRuntime = { kind: 'invoke', id, event, deadline: Date.now() + timeoutMs };
          instance.child.send(message);
        });
      } finally {
        instance.busy = false;
        waiting.shift()?.();
      }
    },
    async stop() {
      stopped = true;
      for (const resolve of waiting.splice(0)) resolve();
      await Promise.all(
        instances.map(
          (instance) =>
            new Promise<void>((resolve) => {
              if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
              instance.child.once('exit', () => resolve());
              instance.child.kill('SIGTERM');
              setTimeout(() => instance.child.kill('SIGKILL'), 2000).unref();
            }),
        ),
      );
    },
  };
}
