import type { Reporter } from 'vitest/node';
import { clearFigures, figuresTable, readFigures } from './support/figures';

/**
 * Prints the proof figures (authorization, fuzzing, faults, attacks, privacy) after every
 * test of the run, whichever projects ran; silent when no proof suite ran.
 */
export default class ProofSummaryReporter implements Reporter {
  onInit(): void {
    clearFigures();
  }

  onTestRunEnd(): void {
    const rows = readFigures();
    if (rows.length === 0) return;
    process.stdout.write(
      `\nReliability and security figures (docs/reliability.md)\n${figuresTable(rows)}\n\n`,
    );
  }
}
