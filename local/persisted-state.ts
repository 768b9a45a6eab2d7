import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A small JSON file of local-cloud state (generated keys, stream checkpoints) that
 * `--persist` keeps between runs; without a path it lives in memory only.
 */
export class PersistedState<T extends object> {
  private value: T;

  constructor(
    private readonly path: string | undefined,
    initial: () => T,
  ) {
    this.value = path && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : initial();
    this.save();
  }

  get(): T {
    return this.value;
  }

  update(change: (value: T) => void): void {
    change(this.value);
    this.save();
  }

  private save(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a torn file behind.
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.value), { mode: 0o600 });
    renameSync(`${this.path}.tmp`, this.path);
  }
}
