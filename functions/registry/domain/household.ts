import type { Sex } from '../../../shared/domain/resident-id';

/**
 * A household (家庭户): a couple and their children. The family type that benefits depend
 * on is derived from the members every time, never typed in.
 */

export type FamilyType = 'only-child' | 'two-daughters' | 'bereaved' | 'disabled-only-child' | 'other';

export interface HouseholdMember {
  readonly role: 'mother' | 'father' | 'child';
  /** The member's person record, when the registry has one (a newborn may not yet). */
  readonly personId?: string;
  /** For children: the birth registration that added them. */
  readonly registrationId?: string;
  readonly name?: string;
  readonly birthDate: string;
  /** Recorded for children registered from now on; a child of unknown sex counts as no daughter. */
  readonly sex?: Sex;
  readonly alive: boolean;
  /** Certified disability, recorded by staff; drives the disabled-only-child type. */
  readonly disabled: boolean;
}

export interface Household {
  readonly householdId: string;
  readonly members: readonly HouseholdMember[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Id of the event this version publishes (stable across publisher retries). */
  readonly eventId: string;
}

/**
 * Derives the family type from the members: one child only → only child, unless that
 * child has died (bereaved, 失独) or is disabled (伤残); exactly two children, both
 * living daughters → two daughters (双女户); any other composition → other.
 */
export function deriveFamilyType(members: readonly HouseholdMember[]): FamilyType {
  const children = members.filter((m) => m.role === 'child');
  if (children.length === 2 && children.every((c) => c.sex === 'female' && c.alive)) return 'two-daughters';
  const [only] = children;
  if (children.length !== 1 || !only) return 'other';
  if (!only.alive) return 'bereaved';
  if (only.disabled) return 'disabled-only-child';
  return 'only-child';
}

/** A new household for the parents of a registered birth. */
export function newHousehold(
  householdId: string,
  parents: readonly HouseholdMember[],
  at: string,
  eventId: string,
): Household {
  return { householdId, members: [...parents], version: 1, createdAt: at, updatedAt: at, eventId };
}

/**
 * Adds a registered child to a household, once: a child already present (same
 * registration or same person) leaves the household unchanged.
 */
export function addChild(
  household: Household,
  child: HouseholdMember,
  at: string,
  eventId: string,
): Household {
  const present = household.members.some(
    (m) =>
      m.role === 'child' &&
      ((child.registrationId !== undefined && m.registrationId === child.registrationId) ||
        (child.personId !== undefined && m.personId === child.personId)),
  );
  if (present) return household;
  return {
    ...household,
    members: [...household.members, child],
    version: household.version + 1,
    updatedAt: at,
    eventId,
  };
}

/**
 * Brings a member's alive and disability flags (and a child's sex, when a correction
 * changed it) in line with their person record, so the family type follows (an only
 * child's death makes the family bereaved, a certified disability a disabled-only-child
 * family). Undefined when nothing differs: replays change nothing.
 */
export function syncMember(
  household: Household,
  person: {
    readonly personId: string;
    readonly alive: boolean;
    readonly disabled: boolean;
    readonly sex?: Sex;
  },
  at: string,
  eventId: string,
): Household | undefined {
  const member = household.members.find((m) => m.personId === person.personId);
  if (!member) return undefined;
  const sex = member.role === 'child' && person.sex ? person.sex : member.sex;
  if (member.alive === person.alive && member.disabled === person.disabled && member.sex === sex) {
    return undefined;
  }
  return {
    ...household,
    members: household.members.map((m) =>
      m.personId === person.personId
        ? { ...m, alive: person.alive, disabled: person.disabled, ...(sex ? { sex } : {}) }
        : m,
    ),
    version: household.version + 1,
    updatedAt: at,
    eventId,
  };
}
