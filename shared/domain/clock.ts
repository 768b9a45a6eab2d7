/** Time as a port, so domain rules and tests never depend on the machine's clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that always answers the same instant, for tests and replays. */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });
