import type { Person, PersonAction } from '../domain/person';
import type { StoredPerson } from '../domain/ports';

/** The table keys of a person, of the claim on their resident ID, and of one history entry. */
export const personKey = (personId: string) => ({ pk: `PERSON#${personId}`, sk: 'PERSON' });
export const residentIdKey = (hash: string) => ({ pk: `RID#${hash}`, sk: 'RID' });
/** The lookup by cross-province reference: how a notification from another province finds the person. */
export const personRefKey = (personRef: string) => ({ pk: `PREF#${personRef}`, sk: 'PREF' });
export const personRefItem = (personRef: string, personId: string) => ({
  ...personRefKey(personRef),
  entity: 'PersonRefClaim',
  personId,
});
export const actionKey = (personId: string, actionId: string) => ({
  pk: `PERSON#${personId}`,
  sk: `ACTION#${actionId}`,
});

/** Index key for lookups by name and birth date (GSI `gsi1`). */
export const nameIndexKey = (name: string, birthDate: string) => `NAMEDOB#${name}#${birthDate}`;

/** The stored item of a person: the entity, its keys, type tag, index key and ID hash. */
export const personItem = (person: Person, residentIdHash: string) => ({
  ...personKey(person.personId),
  entity: 'Person',
  gsi1pk: nameIndexKey(person.name, person.birthDate),
  gsi1sk: person.personId,
  residentIdHash,
  ...person,
});

/** Strips storage attributes so only the entity's own fields leave the adapter. */
export function toPerson(item: Record<string, unknown>): Person {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    gsi1pk: _g1,
    gsi1sk: _g2,
    residentIdHash: _hash,
    ...person
  } = item;
  return person as unknown as Person;
}

export function toStoredPerson(item: Record<string, unknown>): StoredPerson {
  return { person: toPerson(item), residentIdHash: String(item.residentIdHash) };
}

/** A history entry of a person, as stored. */
export const personActionItem = (action: PersonAction) => ({
  ...actionKey(action.personId, action.actionId),
  entity: 'PersonAction',
  ...action,
});

/**
 * The transaction items that record a new person: the person, the claim on their resident
 * ID (one person per ID), the first history entry and, when the person has one, the lookup
 * by cross-province reference, each only if absent.
 */
export function newPersonPuts(table: string, person: Person, residentIdHash: string, action: PersonAction) {
  const absent = 'attribute_not_exists(pk)';
  return [
    { Put: { TableName: table, Item: personItem(person, residentIdHash), ConditionExpression: absent } },
    {
      Put: {
        TableName: table,
        Item: { ...residentIdKey(residentIdHash), entity: 'ResidentIdClaim', personId: person.personId },
        ConditionExpression: absent,
      },
    },
    { Put: { TableName: table, Item: personActionItem(action), ConditionExpression: absent } },
    ...(person.personRef
      ? [
          {
            Put: {
              TableName: table,
              Item: personRefItem(person.personRef, person.personId),
              ConditionExpression: absent,
            },
          },
        ]
      : []),
  ];
}
