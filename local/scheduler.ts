import type { AreaManifest } from '../shared/manifest';
import type { FunctionRuntime } from './runtime/function-runtime';
import { parseSchedule, wallClock } from './schedule-expression';

export interface Scheduler {
  stop(): void;
}

/**
 * The local EventBridge Scheduler: checks every cron schedule at each minute boundary in
 * its time zone and fires rate schedules on their interval, invoking the function with
 * the schedule's payload. Failures are logged; the next occurrence runs as usual.
 */
export function startScheduler(
  manifests: readonly AreaManifest[],
  runtimes: ReadonlyMap<string, FunctionRuntime>,
  log: (line: string) => void,
): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  let minuteTimer: NodeJS.Timeout | undefined;
  const crons: Array<() => void> = [];
  for (const fn of manifests.flatMap((m) => m.functions)) {
    for (const spec of fn.schedules ?? []) {
      const schedule = parseSchedule(spec.expression);
      const runtime = runtimes.get(fn.name);
      if (!runtime) continue;
      const fire = () => {
        log(`schedule ${spec.name} → ${fn.name}`);
        runtime
          .invoke(spec.payload)
          .catch((error: unknown) => log(`schedule ${spec.name} failed: ${(error as Error).message}`));
      };
      if (schedule.kind === 'rate') timers.push(setInterval(fire, schedule.everyMs));
      else crons.push(() => schedule.matches(wallClock(new Date(), spec.timezone)) && fire());
    }
  }
  const nextMinute = () => {
    minuteTimer = setTimeout(
      () => {
        for (const check of crons) check();
        nextMinute();
      },
      60_000 - (Date.now() % 60_000) + 50,
    );
  };
  if (crons.length > 0) nextMinute();
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
      clearTimeout(minuteTimer);
    },
  };
}
