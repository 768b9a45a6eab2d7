/** Time as a port, so domain rules and tests never depend on the machine's clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that always answers the same instant, for tests and replays. */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** The calendar date in Beijing (UTC+8, no daylight saving): dates in the register are local dates. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
