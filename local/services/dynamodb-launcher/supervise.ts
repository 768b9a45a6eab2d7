import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** How a supervised process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. `java` not on PATH). */
  readonly error?: Error;
}

/** A child process that is stopped on request and never outlives this process. */
export interface SupervisedChild {
  /** Settles once the process has exited (or failed to start). */
  readonly exited: Promise<ChildExit>;
  /** The last few kilobytes of stdout and stderr, for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_CHARS = 4_000;
const PARENT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Watches a spawned child: keeps draining its output (a full pipe would block it), keeps a
 * tail of that output, and ties its life to ours.
 *
 * The child and its pipes do not keep this process alive, so a caller that forgets `stop()`
 * still exits. On our `exit` the child gets SIGTERM; on SIGINT/SIGTERM too, after which the
 * signal is raised again if nobody else listens, so these handlers never turn a Ctrl-C into
 * a process that refuses to die. The handlers go away once the child has exited. Against
 * SIGKILL of this process, where no handler runs, the child needs its own guard (the
 * DynamoDB launcher exits when its stdin closes).
 */
export const supervise = (child: ChildProcess): SupervisedChild => {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Writing to or closing a dead child's stdin raises EPIPE; nothing useful to do with it.
  child.stdin?.on('error', () => {});
  child.unref();
  for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as Socket | null)?.unref();

  const onParentExit = (): void => {
    child.kill('SIGTERM');
  };
  const onParentSignal = (signal: NodeJS.Signals): void => {
    detach();
    child.kill('SIGTERM');
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const detach = (): void => {
    process.off('exit', onParentExit);
    for (const signal of PARENT_SIGNALS) process.off(signal, onParentSignal);
  };
  process.on('exit', onParentExit);
  for (const signal of PARENT_SIGNALS) process.on(signal, onParentSignal);

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => {
      // 'error' without a pid means the spawn itself failed and no 'exit' will follow.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
  }).finally(detach);

  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (child.pid === undefined || hasExited()) {
      await exited;
      return;
    }
    // Referenced again so that the exit notification is awaited even after the timer has fired.
    child.ref();
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(escalate);
    }
  };

  return { exited, outputTail: () => tail, stop };
};
