import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from 'vitest/node';
import { clearFigures, type FigureRow, figuresTable, readFigures } from './support/figures';
import { scanForLeaks } from './support/leaks';

/** Written by tests/support/log-capture.ts in every worker; the local cloud's log of the e2e run. */
const WORKER_LOGS = '.local/logs';
const CLOUD_LOG = '.local/e2e.log';

/**
 * Prints the proof figures (authorization, fuzzing, faults, attacks, four eyes, privacy) after every
 * test of the run, whichever projects ran, and scans every log line of the run (workers'
 * output, console output, the local cloud's log) for resident IDs, bank account numbers
 * and tokens; a leak fails the run.
 */
export default class ProofSummaryReporter implements Reporter {
  private started = Date.now();
  private readonly consoleLines: string[] = [];

  onInit(): void {
    this.started = Date.now();
    clearFigures();
    rmSync(WORKER_LOGS, { recursive: true, force: true });
  }

  onUserConsoleLog(log: { content: string }): void {
    this.consoleLines.push(...log.content.split('\n'));
  }

  onTestRunEnd(): void {
    const lines = [...this.consoleLines, ...this.capturedLines()];
    const leaks = scanForLeaks(lines);
    const total = leaks.residentIds + leaks.accounts + leaks.tokens;
    const privacy: FigureRow = {
      suite: 'privacy',
      item: 'every log line of this run (all projects)',
      counts: {
        lines: leaks.lines,
        residentIds: leaks.residentIds,
        accounts: leaks.accounts,
        tokens: leaks.tokens,
      },
      mustBeZero: ['residentIds', 'accounts', 'tokens'],
    };
    const rows = readFigures();
    if (rows.length > 0) {
      process.stdout.write(
        `\nReliability and security figures (docs/reliability.md)\n${figuresTable([...rows, privacy])}\n\n`,
      );
    }
    const failed = rows.some((r) => r.mustBeZero.some((k) => (r.counts[k] ?? 0) !== 0));
    if (total > 0) {
      process.stderr.write(
        `Privacy: ${total} resident ID(s), account number(s) or token(s) appeared in the run's logs (${WORKER_LOGS}, ${CLOUD_LOG}).\n`,
      );
    }
    if (total > 0 || failed) process.exitCode = 1;
  }

  private capturedLines(): string[] {
    const files = existsSync(WORKER_LOGS) ? readdirSync(WORKER_LOGS).map((f) => join(WORKER_LOGS, f)) : [];
    // The cloud log only counts when this run wrote it.
    if (existsSync(CLOUD_LOG) && statSync(CLOUD_LOG).mtimeMs >= this.started) files.push(CLOUD_LOG);
    return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  }
}
