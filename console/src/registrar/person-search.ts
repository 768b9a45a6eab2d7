/** A person search as the API takes it: an exact resident ID, or a name with a birth date. */
export type PersonQuery = { residentId: string } | { name: string; birthDate: string };

const RESIDENT_ID = /^\d{17}[\dXx]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The query to send for what was entered, or undefined while it is incomplete. */
export function personQuery(input: {
  residentId?: string;
  name?: string;
  birthDate?: string;
}): PersonQuery | undefined {
  const residentId = input.residentId?.trim().toUpperCase();
  if (residentId) return RESIDENT_ID.test(residentId) ? { residentId } : undefined;
  const name = input.name?.trim();
  const birthDate = input.birthDate?.trim();
  if (name && birthDate && DATE.test(birthDate)) return { name, birthDate };
  return undefined;
}
