import type { BirthDetails, BirthRegistration } from './birth-registration';
import { addChild, type Household, type HouseholdMember, newHousehold } from './household';
import { type Person, type PersonAction, type RecordContext, recordPerson } from './person';

export interface RegistrationPlanInput {
  /** The registration after its `registered` action. */
  readonly registration: BirthRegistration;
  readonly details: BirthDetails;
  /** The mother's household, when she has one already. */
  readonly household?: Household;
  /** Person records already in the register, found by resident ID. */
  readonly existing: { readonly child?: Person; readonly mother?: Person; readonly father?: Person };
  readonly context: RecordContext;
}

export interface RegistrationPlan {
  readonly household: Household;
  /** A person record for the child, when the child has a resident ID and a name but no record yet. */
  readonly newChild?: { readonly person: Person; readonly action: PersonAction };
}

const parent = (
  role: 'mother' | 'father',
  facts: BirthDetails['mother'],
  person?: Person,
): HouseholdMember => ({
  role,
  ...(person ? { personId: person.personId } : {}),
  name: facts.name,
  birthDate: facts.birthDate,
  alive: person?.alive ?? true,
  disabled: false,
});

/**
 * What registering a birth adds to the register: the child joins the mother's household
 * (a new one with both parents if she has none), linked to the child's person record;
 * that record is created when the child has a resident ID and a name but no record yet.
 * The child's hukou (region, and type where the mother's record has one) follows the
 * mother's; their residence is the family's.
 */
export function planRegistration(input: RegistrationPlanInput): RegistrationPlan {
  const { details, registration, existing, context } = input;
  const at = context.clock.now().toISOString();
  const child = details.child;
  const newChild =
    !existing.child && child.residentId && child.name && child.sex
      ? recordPerson(
          {
            residentId: child.residentId,
            name: child.name,
            sex: child.sex,
            birthDate: child.birthDate,
            hukouRegion: details.mother.hukouRegion,
            ...(existing.mother?.hukouType ? { hukouType: existing.mother.hukouType } : {}),
            residenceRegion: details.residenceRegion,
          },
          context,
        )
      : undefined;
  const childPersonId = existing.child?.personId ?? newChild?.person.personId;
  const household =
    input.household ??
    newHousehold(
      context.newId(),
      [
        parent('mother', details.mother, existing.mother),
        ...(details.father ? [parent('father', details.father, existing.father)] : []),
      ],
      at,
      context.newId(),
    );
  const withChild = addChild(
    household,
    {
      role: 'child',
      ...(childPersonId ? { personId: childPersonId } : {}),
      registrationId: registration.registrationId,
      ...(child.name ? { name: child.name } : {}),
      birthDate: child.birthDate,
      ...(child.sex ? { sex: child.sex } : {}),
      alive: existing.child?.alive ?? true,
      disabled: false,
    },
    at,
    context.newId(),
  );
  return {
    household: withChild,
    ...(newChild ? { newChild: { person: newChild.person, action: newChild.action } } : {}),
  };
}
