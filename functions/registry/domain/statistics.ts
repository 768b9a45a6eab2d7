import { beijingDate } from '../../../shared/domain/clock';
import { provinceOf } from '../../../shared/domain/region-code';
import type { BirthRegistered } from '../../../shared/events/catalog';
import type { BirthRegistration } from './birth-registration';
import { birthRegisteredFacts } from './outbound-events';
import type { Person } from './person';

/**
 * Statistics by region and month (births, sex ratio at birth, registration timeliness,
 * migrants in and out), kept as counters only. Nothing here names a person: a counter says
 * how many, never who. Pure code; the projector and the reports API do the storage.
 */

/** Counters of births, kept per birth region and birth month. */
export const BIRTH_COUNTERS = [
  'births',
  'male',
  'female',
  'birthOrder1',
  'birthOrder2',
  'birthOrder3plus',
  'registeredWithin30Days',
  'registeredWithin1Year',
  'registeredLater',
  'migrantBirths',
] as const;

/**
 * Counters of changes of residence, kept per region and month. Moves that stay inside the
 * same prefecture or province are also counted apart, so that a report for a prefecture or
 * a province can leave out moves between its own counties (they neither enter nor leave it).
 */
export const MIGRATION_COUNTERS = [
  'movedIn',
  'movedInSamePrefecture',
  'movedInSameProvince',
  'movedOut',
  'movedOutSamePrefecture',
  'movedOutSameProvince',
] as const;

/** Every counter a counter item may hold. */
export const COUNTERS = [...BIRTH_COUNTERS, ...MIGRATION_COUNTERS] as const;

export type BirthCounter = (typeof BIRTH_COUNTERS)[number];
export type MigrationCounter = (typeof MIGRATION_COUNTERS)[number];
export type Counter = BirthCounter | MigrationCounter;
export type Counters = Readonly<Record<Counter, number>>;

/** Which counter item a change goes to: births are kept apart from moves. */
export type CounterSet = 'BIRTHS' | 'MIGRATION';

/** Additions to one counter item, identified by set, six-digit region and `YYYY-MM` month. */
export interface CounterUpdate {
  readonly set: CounterSet;
  readonly region: string;
  readonly month: string;
  /** Amounts to add; negative when a correction takes a count back. Never zero. */
  readonly add: Readonly<Partial<Record<Counter, number>>>;
}

/**
 * What one event changes in the statistics. `eventId` makes it count once however often
 * the event is delivered; `requires` names an event that must have been counted first (a
 * correction can only move a birth that was counted).
 */
export interface StatisticsChange {
  readonly eventId: string;
  readonly updates: readonly CounterUpdate[];
  readonly requires?: string;
}

/** The facts of a registered birth the statistics read. */
export type BirthFacts = Pick<
  BirthRegistered,
  | 'childBirthDate'
  | 'childSex'
  | 'birthRegion'
  | 'residenceRegion'
  | 'motherHukouRegion'
  | 'birthOrder'
  | 'daysToRegister'
>;

/** Registered within this many days of the birth counts as timely. */
export const TIMELY_DAYS = 30;
/** Registered later than timely but within this many days counts as within a year. */
export const WITHIN_YEAR_DAYS = 365;

/**
 * The timeliness bucket of a registration: up to and including 30 days, up to and
 * including 365 days, or later. A negative count (a birth registered the day it happened,
 * whose UTC date is still the day before) is timely.
 */
export function timelinessCounter(
  daysToRegister: number,
): 'registeredWithin30Days' | 'registeredWithin1Year' | 'registeredLater' {
  if (daysToRegister <= TIMELY_DAYS) return 'registeredWithin30Days';
  if (daysToRegister <= WITHIN_YEAR_DAYS) return 'registeredWithin1Year';
  return 'registeredLater';
}

/** The birth-order bucket: first, second, third or later child of the mother. */
export function birthOrderCounter(birthOrder: number): 'birthOrder1' | 'birthOrder2' | 'birthOrder3plus' {
  if (birthOrder <= 1) return 'birthOrder1';
  if (birthOrder === 2) return 'birthOrder2';
  return 'birthOrder3plus';
}

/**
 * A birth to a migrant family (流动人口): the mother's household registration lies in
 * another province than where the family lives.
 */
export function isMigrantBirth(facts: Pick<BirthFacts, 'motherHukouRegion' | 'residenceRegion'>): boolean {
  return provinceOf(facts.motherHukouRegion) !== provinceOf(facts.residenceRegion);
}

/** The counters one registered birth adds: to the child's birth region, in the birth month. */
export function birthCounterUpdate(facts: BirthFacts): CounterUpdate {
  const add: Partial<Record<Counter, number>> = {
    births: 1,
    [facts.childSex]: 1,
    [birthOrderCounter(facts.birthOrder)]: 1,
    [timelinessCounter(facts.daysToRegister)]: 1,
  };
  if (isMigrantBirth(facts)) add.migrantBirths = 1;
  return { set: 'BIRTHS', region: facts.birthRegion, month: facts.childBirthDate.slice(0, 7), add };
}

/** Negates every amount of an update: what takes a count back. */
const negated = (update: CounterUpdate): CounterUpdate => ({
  ...update,
  add: Object.fromEntries(Object.entries(update.add).map(([counter, n]) => [counter, -(n ?? 0)])),
});

/**
 * Sums updates that go to the same item and drops amounts that cancel out, so that a
 * transaction touches each item once (DynamoDB refuses two operations on one item) and
 * writes nothing that would not change.
 */
export function mergeUpdates(updates: readonly CounterUpdate[]): CounterUpdate[] {
  const byItem = new Map<string, CounterUpdate>();
  for (const update of updates) {
    const key = `${update.set}#${update.region}#${update.month}`;
    const held = byItem.get(key);
    const add: Partial<Record<Counter, number>> = { ...held?.add };
    for (const [counter, n] of Object.entries(update.add) as [Counter, number][]) {
      add[counter] = (add[counter] ?? 0) + n;
    }
    byItem.set(key, { ...update, add });
  }
  return [...byItem.values()]
    .map((u) => ({ ...u, add: Object.fromEntries(Object.entries(u.add).filter(([, n]) => n !== 0)) }))
    .filter((u) => Object.keys(u.add).length > 0);
}

/**
 * What a correction of a registered birth changes: the birth as it was counted is taken
 * back and counted again as corrected (a corrected birth date may move it to another month,
 * a corrected sex from male to female). Empty when the correction touches nothing counted.
 */
export function birthCorrectionUpdates(before: BirthFacts, after: BirthFacts): CounterUpdate[] {
  return mergeUpdates([negated(birthCounterUpdate(before)), birthCounterUpdate(after)]);
}

/**
 * The registered facts of a registration with only the first `corrections` approved
 * corrections applied. Built through `birthRegisteredFacts` so that statistics and the
 * published event derive birth date, regions and days to register the same way.
 */
function factsWithCorrections(registration: BirthRegistration, corrections: number): BirthFacts | undefined {
  const registered = registration.actions.find((a) => a.type === 'registered');
  if (!registered) return undefined;
  const approved = registration.actions.filter((a) => a.type === 'correction-approved').slice(0, corrections);
  return birthRegisteredFacts({ ...registration, actions: [...approved, registered] })?.data;
}

/**
 * What a write of a birth registration changes in the statistics, judged by its latest
 * action: a registration counts the birth (once, by the registered action's id); an
 * approved correction moves the count, provided the registration itself was counted.
 * Anything else (submission, validation, a requested or rejected correction) counts nothing.
 */
export function birthStatisticsChange(registration: BirthRegistration): StatisticsChange | undefined {
  const latest = registration.actions.at(-1);
  if (latest?.type === 'registered') {
    const registered = birthRegisteredFacts(registration);
    if (!registered) return undefined;
    return { eventId: registered.eventId, updates: [birthCounterUpdate(registered.data)] };
  }
  if (latest?.type === 'correction-approved') {
    const registeredId = registration.actions.find((a) => a.type === 'registered')?.actionId;
    const corrections = registration.actions.filter((a) => a.type === 'correction-approved').length;
    const before = factsWithCorrections(registration, corrections - 1);
    const after = factsWithCorrections(registration, corrections);
    if (!registeredId || !before || !after) return undefined;
    const updates = birthCorrectionUpdates(before, after);
    if (updates.length === 0) return undefined;
    return { eventId: latest.actionId, updates, requires: registeredId };
  }
  return undefined;
}

/** A change of residence: from which region to which, and when it was recorded. */
export interface ResidenceMove {
  readonly from: string;
  readonly to: string;
  /** ISO instant the change was recorded; its Beijing month is the month counted. */
  readonly at: string;
}

/**
 * The counters a change of residence adds: a move out of the old region and into the new
 * one, in the month the change was recorded, each also marked when the two regions share
 * a prefecture or a province. Empty when the region did not change.
 */
export function migrationUpdates(move: ResidenceMove): CounterUpdate[] {
  if (move.from === move.to) return [];
  const month = monthOfInstant(move.at);
  const samePrefecture = move.from.slice(0, 4) === move.to.slice(0, 4);
  const sameProvince = provinceOf(move.from) === provinceOf(move.to);
  const side = (direction: 'movedIn' | 'movedOut'): Partial<Record<Counter, number>> => ({
    [direction]: 1,
    ...(samePrefecture ? { [`${direction}SamePrefecture`]: 1 } : {}),
    ...(sameProvince ? { [`${direction}SameProvince`]: 1 } : {}),
  });
  return [
    { set: 'MIGRATION', region: move.from, month, add: side('movedOut') },
    { set: 'MIGRATION', region: move.to, month, add: side('movedIn') },
  ];
}

/**
 * What a write of a person changes in the statistics: only a change of residence counts,
 * as a move from the residence before the write to the one after it, once per event id.
 */
export function residenceChangeStatistics(
  before: Pick<Person, 'residenceRegion'>,
  after: Pick<Person, 'residenceRegion' | 'updatedAt' | 'eventId' | 'lastChange'>,
): StatisticsChange | undefined {
  if (after.lastChange !== 'residence-changed') return undefined;
  const updates = migrationUpdates({
    from: before.residenceRegion,
    to: after.residenceRegion,
    at: after.updatedAt,
  });
  return updates.length > 0 ? { eventId: after.eventId, updates } : undefined;
}

/**
 * The sex ratio at birth: boys born per 100 girls, to one decimal place as it is usually
 * published (e.g. 105.3). Null when no girls were counted, where the ratio has no value.
 */
export function sexRatio(male: number, female: number): number | null {
  if (female <= 0) return null;
  return Math.round((male * 1000) / female) / 10;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Months since year 0 of a `YYYY-MM` month, so months can be counted and compared. */
export function monthIndex(month: string): number {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`not a YYYY-MM month: ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

const monthOfIndex = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** How many months `from` to `to` span, both included; zero or less when `to` is earlier. */
export const monthSpan = (from: string, to: string): number => monthIndex(to) - monthIndex(from) + 1;

/** Every month from `from` to `to`, both included, across year ends; empty when `to` is earlier. */
export function monthsBetween(from: string, to: string): string[] {
  const start = monthIndex(from);
  return Array.from({ length: Math.max(0, monthSpan(from, to)) }, (_, i) => monthOfIndex(start + i));
}

/** The month of an instant in Beijing (UTC+8): a change recorded on 1 March at 07:00 there is March's. */
export const monthOfInstant = (iso: string): string => beijingDate(new Date(iso)).slice(0, 7);

/** All counters at zero. */
export const emptyCounters = (): Counters =>
  Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;

/** The sum of two sets of counters. */
export const addCounters = (a: Counters, b: Partial<Counters>): Counters =>
  Object.fromEntries(COUNTERS.map((c) => [c, a[c] + (b[c] ?? 0)])) as Record<Counter, number>;

/** Birth and migration figures for one month or a whole period of a region. */
export interface BirthFigures {
  readonly births: number;
  readonly male: number;
  readonly female: number;
  readonly sexRatio: number | null;
  readonly birthOrder: { readonly first: number; readonly second: number; readonly thirdOrLater: number };
  readonly timeliness: {
    readonly within30Days: number;
    readonly within1Year: number;
    readonly later: number;
  };
  readonly migrantBirths: number;
  readonly movedIn: number;
  readonly movedOut: number;
}

/**
 * The figures of summed counters for a region given by its code prefix (2, 4 or 6 digits).
 * Moves between two counties of a prefecture (or of a province) are internal to it, so a
 * prefecture's (province's) report leaves them out of moved in and moved out.
 */
export function figuresOf(counters: Counters, regionPrefix: string): BirthFigures {
  const internal =
    regionPrefix.length <= 2
      ? { in: counters.movedInSameProvince, out: counters.movedOutSameProvince }
      : regionPrefix.length <= 4
        ? { in: counters.movedInSamePrefecture, out: counters.movedOutSamePrefecture }
        : { in: 0, out: 0 };
  return {
    births: counters.births,
    male: counters.male,
    female: counters.female,
    sexRatio: sexRatio(counters.male, counters.female),
    birthOrder: {
      first: counters.birthOrder1,
      second: counters.birthOrder2,
      thirdOrLater: counters.birthOrder3plus,
    },
    timeliness: {
      within30Days: counters.registeredWithin30Days,
      within1Year: counters.registeredWithin1Year,
      later: counters.registeredLater,
    },
    migrantBirths: counters.migrantBirths,
    movedIn: counters.movedIn - internal.in,
    movedOut: counters.movedOut - internal.out,
  };
}

/** A births report: figures per month of the period and for the period as a whole. */
export interface BirthsReport {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly months: ({ readonly month: string } & BirthFigures)[];
  readonly total: BirthFigures;
}

/**
 * Builds the report from the counters of each month (months without counters are zeros).
 * The total's sex ratio is computed from the summed boys and girls, not averaged.
 */
export function birthsReport(
  regionPrefix: string,
  from: string,
  to: string,
  byMonth: ReadonlyMap<string, Counters>,
): BirthsReport {
  const months = monthsBetween(from, to);
  const counters = months.map((month) => byMonth.get(month) ?? emptyCounters());
  const total = counters.reduce(addCounters, emptyCounters());
  return {
    region: regionPrefix,
    from,
    to,
    months: months.map((month, i) => ({ month, ...figuresOf(counters[i] ?? emptyCounters(), regionPrefix) })),
    total: figuresOf(total, regionPrefix),
  };
}

/** Port: where counters are kept. */
export interface StatisticsStore {
  /**
   * Applies a change's updates and records its event id, all or nothing. `duplicate` when
   * the event was counted before; `missing-prerequisite` when `requires` was never counted
   * (nothing is written then, so a later delivery can still count it).
   */
  apply(change: StatisticsChange): Promise<'applied' | 'duplicate' | 'missing-prerequisite'>;
  /** Summed counters per month for every region under a code prefix (2, 4 or 6 digits). */
  read(regionPrefix: string, months: readonly string[]): Promise<Map<string, Counters>>;
}
