import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where each proof suite leaves its figures for the summary printed at the end of the run. */
export const FIGURES_DIR = '.local/proof';

/** One line of the summary: a suite, what it covered, and the counts that must be zero. */
export interface FigureRow {
  readonly suite: string;
  readonly item: string;
  readonly counts: Readonly<Record<string, number>>;
  /** Names of the counts that must be zero for the suite to pass. */
  readonly mustBeZero: readonly string[];
}

/** Records rows under a file named after the suite; several calls accumulate. */
export function recordFigures(file: string, rows: readonly FigureRow[]): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const path = join(FIGURES_DIR, `${file}.json`);
  let previous: FigureRow[] = [];
  try {
    previous = JSON.parse(readFileSync(path, 'utf8')) as FigureRow[];
  } catch {
    previous = [];
  }
  writeFileSync(path, JSON.stringify([...previous, ...rows], null, 1));
}

/** Every row recorded in this run, ordered by suite file. */
export function readFigures(): FigureRow[] {
  let files: string[] = [];
  try {
    files = readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().flatMap((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as FigureRow[]);
}

/** Starts a run with no figures left from the previous one. */
export function clearFigures(): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
}

/** The summary as a fixed-width text table. */
export function figuresTable(rows: readonly FigureRow[]): string {
  const lines = rows.map((r) => {
    const counts = Object.entries(r.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const bad = r.mustBeZero.some((k) => (r.counts[k] ?? 0) !== 0);
    return [r.suite, r.item, counts, bad ? 'FAIL' : 'ok'];
  });
  const header = ['suite', 'item', 'figures', 'zero?'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...lines.map(fmt)].join('\n');
}
