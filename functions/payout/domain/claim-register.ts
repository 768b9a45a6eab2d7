/**
 * The register of claims to pay one person under one scheme, kept by the person's hukou
 * province: every claim another province sent, and this province's own enrolments, in the
 * order they came. At most one claim is `granted` at a time; the others wait or were
 * released. Because every province that would pay a person asks the hukou province, and
 * the hukou province answers from this one record, no two provinces pay the same person
 * for the same period, however many provinces the person has lived in.
 */

export type RegisteredClaimState = 'granted' | 'waiting' | 'released';

export interface RegisteredClaim {
  /** The claiming province's enrolment id (ours, for our own enrolments). */
  readonly claimId: string;
  /** Two-digit code of the province that would pay. */
  readonly province: string;
  readonly fromPeriod: string;
  /** Region code of the office that would pay. */
  readonly region: string;
  readonly state: RegisteredClaimState;
  readonly registeredAt: string;
  readonly changedAt: string;
}

export interface ClaimRegister {
  readonly personRef: string;
  readonly scheme: string;
  readonly claims: readonly RegisteredClaim[];
  /**
   * The last period any province that held the person paid, or will pay, under its claim:
   * a claim cleared or granted later must not pay it or any before it.
   */
  readonly paidThrough?: string;
  /** 0 for a register not stored yet; each save is conditional on the version it read. */
  readonly version: number;
}

/** Who pays the person now: the period they were first paid from, and the paying office. */
export interface ClaimHolder {
  readonly fromPeriod: string;
  readonly region: string;
}

export type ClaimDecision =
  | { readonly answer: 'clear'; readonly register: ClaimRegister; readonly changed: boolean }
  | {
      readonly answer: 'conflict';
      readonly holder: ClaimHolder;
      readonly register: ClaimRegister;
      readonly changed: boolean;
    }
  /** The claim id is registered for another province: a claim may not take over another's. */
  | { readonly answer: 'refused' };

export interface ClaimRelease {
  readonly register: ClaimRegister;
  /** The waiting claim that holds the person now, if the release let one through. */
  readonly granted?: RegisteredClaim;
  readonly changed: boolean;
}

/** A register with no claims yet, for a person and scheme never claimed. */
export const emptyClaimRegister = (personRef: string, scheme: string): ClaimRegister => ({
  personRef,
  scheme,
  claims: [],
  version: 0,
});

const grantedClaim = (register: ClaimRegister): RegisteredClaim | undefined =>
  register.claims.find((c) => c.state === 'granted');

const withClaim = (register: ClaimRegister, claim: RegisteredClaim): ClaimRegister => ({
  ...register,
  claims: [...register.claims.filter((c) => c.claimId !== claim.claimId), claim],
});

/**
 * Decides a claim against the register. In order:
 * 1. a claim id the register holds for another province is refused;
 * 2. a claim already granted or waiting gets the same answer again and changes nothing
 *    (a redelivered or repeated claim);
 * 3. while another claim is granted, or `untracked` (an enrolment of ours older than the
 *    register) pays the person, the claim waits and the answer is conflict, naming the holder;
 * 4. otherwise the claim is granted and the answer is clear.
 * A released claim sent again is decided afresh by 3 and 4.
 */
export function decideClaim(
  register: ClaimRegister,
  claim: Pick<RegisteredClaim, 'claimId' | 'province' | 'fromPeriod' | 'region'>,
  untracked: ClaimHolder | undefined,
  at: Date,
): ClaimDecision {
  const known = register.claims.find((c) => c.claimId === claim.claimId);
  if (known && known.province !== claim.province) return { answer: 'refused' };
  const granted = grantedClaim(register);
  if (known?.state === 'granted') return { answer: 'clear', register, changed: false };
  const holder = untracked ?? (granted && { fromPeriod: granted.fromPeriod, region: granted.region });
  if (known?.state === 'waiting' && holder) return { answer: 'conflict', holder, register, changed: false };
  const iso = at.toISOString();
  const entry = { ...claim, registeredAt: known?.registeredAt ?? iso, changedAt: iso };
  if (holder) {
    return {
      answer: 'conflict',
      holder,
      register: withClaim(register, { ...entry, state: 'waiting' }),
      changed: true,
    };
  }
  return { answer: 'clear', register: withClaim(register, { ...entry, state: 'granted' }), changed: true };
}

/** The later of two periods of one scheme (they share one format, so they order as strings). */
const laterPeriod = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined || a >= b ? a : b;

/**
 * Releases a claim (its province no longer pays, or our enrolment ended), recording the
 * last period it paid, and, when nothing holds the person any more, grants the claim that
 * has waited longest. `claimId` undefined only records the period and looks for a claim to
 * grant: an untracked enrolment of ours has ended. Releasing an unknown or released claim
 * changes nothing.
 */
export function releaseClaim(
  register: ClaimRegister,
  claimId: string | undefined,
  untracked: ClaimHolder | undefined,
  at: Date,
  paidThrough?: string,
): ClaimRelease {
  const iso = at.toISOString();
  const released = register.claims.find((c) => c.claimId === claimId && c.state !== 'released');
  if (claimId !== undefined && !released) return { register, changed: false };
  const through = laterPeriod(register.paidThrough, paidThrough);
  const recorded = through === register.paidThrough ? register : { ...register, paidThrough: through };
  const after = released ? withClaim(recorded, { ...released, state: 'released', changedAt: iso }) : recorded;
  const next = grantedClaim(after) || untracked ? undefined : oldestWaiting(after);
  if (!next) return { register: after, changed: after !== register };
  const granted: RegisteredClaim = { ...next, state: 'granted', changedAt: iso };
  return { register: withClaim(after, granted), granted, changed: true };
}

const oldestWaiting = (register: ClaimRegister): RegisteredClaim | undefined =>
  register.claims
    .filter((c) => c.state === 'waiting')
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.claimId.localeCompare(b.claimId))[0];
