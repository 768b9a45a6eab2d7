import type { Person } from '../domain/person';

/** The table keys of a person and of the claim on their resident ID. */
export const personKey = (personId: string) => ({ pk: `PERSON#${personId}`, sk: 'PERSON' });
export const residentIdKey = (hash: string) => ({ pk: `RID#${hash}`, sk: 'RID' });

/** The stored item of a person: the entity plus its keys and type tag. */
export const personItem = (person: Person) => ({
  ...personKey(person.personId),
  entity: 'Person',
  ...person,
});

/** Strips storage keys so only the entity's own fields leave the adapter. */
export function toPerson(item: Record<string, unknown>): Person {
  const { pk: _pk, sk: _sk, entity: _entity, ...person } = item;
  return person as unknown as Person;
}
