import Papa from 'papaparse';

/** The byte order mark that makes Excel read a CSV file as UTF-8 (so Chinese shows as Chinese). */
export const BOM = '\uFEFF';

/** A cell of a CSV file: text, a number, or nothing (an empty cell). */
export type CsvCell = string | number | null | undefined;

/**
 * A CSV file's text: the BOM, a header row, then the rows, with Windows line ends. Quoting is
 * papaparse's, and text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`)
 * are escaped; numbers are written as numbers.
 */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return (
    BOM +
    Papa.unparse(
      { fields: [...header], data: rows.map((row) => row.map((cell) => cell ?? '')) },
      { escapeFormulae: true, newline: '\r\n' },
    )
  );
}

/** A download's file name from its parts: `births-33-2026-01-2026-12.csv`; empty parts are left out. */
export const csvFileName = (...parts: readonly (string | undefined)[]): string =>
  `${parts.filter((p): p is string => Boolean(p)).join('-')}.csv`;
