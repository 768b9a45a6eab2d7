import type { Sex } from '../../../../shared/domain/resident-id';

/**
 * The birth registration (生育登记) aggregate: a family registers a birth, before or after
 * it, to receive services. It is a service registration, not an approval: nothing here
 * asks whether the birth was allowed, only whether the data is right.
 *
 * Like the v2 event model of OpenCRVS, the record is an append-only list of actions and
 * its status is derived from that list, never stored beside it, so the two cannot drift.
 */

/**
 * Where a registration stands. `flagged-duplicate` is a potential duplicate waiting for a
 * registrar's review, not a rejection.
 */
export type RegistrationStatus =
  | 'submitted'
  | 'validated'
  | 'registered'
  | 'correction-requested'
  | 'flagged-duplicate';

/** What can happen to a registration; each entry in the history is one of these. */
export type ActionType =
  | 'submitted'
  | 'flagged-duplicate'
  | 'duplicate-dismissed'
  | 'validated'
  | 'registered'
  | 'correction-requested'
  | 'correction-approved'
  | 'correction-rejected'
  | 'birth-recorded';

/** One result of the logic audit (逻辑审核); errors block, warnings are recorded only. */
export interface AuditFinding {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** Field path inside the details, such as `child.birthDate`. */
  readonly field: string;
}

/** One field's correction. `null` stands for "absent", so the value survives JSON. */
export interface FieldChange {
  readonly from: unknown;
  readonly to: unknown;
}

/** One entry in the history: who did what, when and why. Never edited once written. */
export interface RegistrationAction {
  readonly actionId: string;
  readonly type: ActionType;
  /** The actor's subject (token `sub`), or `system` for automatic steps. */
  readonly by: string;
  readonly role: string;
  /** ISO 8601 instant. */
  readonly at: string;
  readonly reason?: string;
  /**
   * For corrections: field path → { from, to }. On the request it is what was asked; on the
   * approval it is what took effect. The old value is kept here forever.
   */
  readonly changes?: Readonly<Record<string, FieldChange>>;
  /** On `registered`. */
  readonly registrationNumber?: string;
  /** On `flagged-duplicate`: the registration this one may duplicate. */
  readonly duplicateOf?: string;
  /** The logic audit's result at that step (submit, validate, register, correction). */
  readonly findings?: readonly AuditFinding[];
}

export interface ChildDetails {
  /**
   * True while the birth has not happened: registering a birth is a service families use
   * from pregnancy on. Then `birthDate` is the expected date and there is no sex (never
   * asked before the birth) and no resident ID; `record-birth` fills them in.
   */
  readonly expected?: boolean;
  /** Often unknown when a birth is registered before it happens. */
  readonly name?: string;
  /** Absent only while the birth is expected. */
  readonly sex?: Sex;
  /** `YYYY-MM-DD`; the expected date when registered before the birth. */
  readonly birthDate: string;
  readonly birthRegion: string;
  readonly residentId?: string;
}

export interface ParentDetails {
  readonly name: string;
  readonly residentId: string;
  readonly birthDate: string;
  readonly hukouRegion: string;
}

/** The facts a family gives when registering a birth. */
export interface BirthDetails {
  readonly child: ChildDetails;
  readonly mother: ParentDetails;
  readonly father?: ParentDetails;
  readonly residenceRegion: string;
  /** Which child of the mother this is: 1 for the first. */
  readonly birthOrder: number;
}

export type Channel = 'app' | 'counter';

export interface BirthRegistration {
  readonly registrationId: string;
  /** The details as submitted; corrections live in the actions (see `currentDetails`). */
  readonly details: BirthDetails;
  readonly actions: readonly RegistrationAction[];
  /** Always equal to `actions.length`: the ETag and the optimistic-locking counter. */
  readonly version: number;
  readonly submittedBy: string;
  readonly channel: Channel;
  /**
   * Regions that decide which staff see the record: the child's birth region, the
   * residence and the mother's hukou region.
   */
  readonly regionScope: readonly string[];
  /**
   * The parents' person references (from their resident IDs), set on submission and again
   * on registration: the family finds its registrations by them, and the birth.registered
   * facts name the parents to their hukou provinces. Never shown.
   */
  readonly parentRefs?: { readonly mother: string; readonly father?: string };
}

/** Who performs an action. Whether the role may do it is the handler's decision. */
export interface Actor {
  readonly subject: string;
  readonly role: string;
}

/** What a registrar or reviewer asks to do with an existing registration. */
export type RegistrationCommand =
  | { readonly type: 'validate'; readonly findings: readonly AuditFinding[] }
  | {
      readonly type: 'register';
      readonly registrationNumber: string;
      readonly findings: readonly AuditFinding[];
    }
  | {
      readonly type: 'request-correction';
      readonly reason: string;
      /** Field path → new value; `null` clears an optional field. */
      readonly changes: Readonly<Record<string, unknown>>;
      /** The logic audit of the details as they would be after the correction, if run. */
      readonly findings?: readonly AuditFinding[];
    }
  | { readonly type: 'approve-correction'; readonly reason?: string }
  | { readonly type: 'reject-correction'; readonly reason: string }
  | { readonly type: 'dismiss-duplicate'; readonly reason: string }
  | {
      readonly type: 'record-birth';
      /** The facts of the birth that has happened: replaces the expected ones. */
      readonly child: {
        readonly sex: Sex;
        readonly birthDate: string;
        readonly name?: string;
        readonly residentId?: string;
        readonly birthRegion?: string;
      };
      readonly findings: readonly AuditFinding[];
    };

export type CommandType = RegistrationCommand['type'];
