/** The parts of a registration's details (an open object in the API description) the console shows. */
export interface BirthDetailsView {
  readonly child: {
    name?: string;
    sex?: string;
    birthDate?: string;
    birthRegion?: string;
    expected?: boolean;
  };
  readonly mother: { name?: string; residentId?: string; hukouRegion?: string };
  readonly father?: { name?: string; residentId?: string };
  readonly residenceRegion?: string;
  readonly birthOrder?: number;
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads the details field by field, so an unexpected shape shows as blanks, never a crash. */
export function readDetails(details: unknown): BirthDetailsView {
  const d = record(details);
  const child = record(d.child);
  const mother = record(d.mother);
  const father = d.father ? record(d.father) : undefined;
  return {
    child: {
      name: text(child.name),
      sex: text(child.sex),
      birthDate: text(child.birthDate),
      birthRegion: text(child.birthRegion),
      expected: child.expected === true,
    },
    mother: {
      name: text(mother.name),
      residentId: text(mother.residentId),
      hukouRegion: text(mother.hukouRegion),
    },
    ...(father ? { father: { name: text(father.name), residentId: text(father.residentId) } } : {}),
    residenceRegion: text(d.residenceRegion),
    birthOrder: typeof d.birthOrder === 'number' ? d.birthOrder : undefined,
  };
}
