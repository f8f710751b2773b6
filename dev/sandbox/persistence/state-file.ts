// One JSON file that a persisted sandbox keeps its tenant in (`.sandbox/tenant.json` for
// `npm start` and `npm run sandbox`). Writes are atomic (a temporary file, then rename), so a crash
// or kill -9 mid-write leaves the previous complete file; they are debounced while requests come in
// and done synchronously on shutdown. Mode 0600: the file holds the client secret and tokens.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Raised when the file exists but cannot be used; start-up reports it and stops (nothing is overwritten). */
export class SandboxStateFileError extends Error {
  override name = 'SandboxStateFileError';
}

export class SandboxStateFile {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly produce: () => unknown,
    private readonly debounceMs = 500,
  ) {}

  /** The parsed JSON, or undefined when there is no file yet. */
  static read(file: string): unknown {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SandboxStateFileError(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SandboxStateFileError(`${file} is not valid JSON; move it away to start a fresh sandbox tenant`);
    }
  }

  /** Something changed: write soon (one write for a burst of changes). */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, this.debounceMs);
    this.timer.unref();
  }

  writeNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.produce()), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
