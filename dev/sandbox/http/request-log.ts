// What the sandbox served, for tests and benchmarks: one entry per Graph, identity or download
// request, with the resource units it cost. Paths are logged with secrets (delta tokens, download
// URL signatures) cut out, since tokens never belong in logs.
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  ru: number;
  userId: string | null;
  time: number;
}

const MAX_ENTRIES = 200_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    if (this.entries.length >= MAX_ENTRIES) this.entries.splice(0, MAX_ENTRIES / 2);
    this.entries.push({ ...entry, path: redactPath(entry.path) });
  }

  list(since?: number): RequestLogEntry[] {
    return since === undefined ? this.entries.slice() : this.entries.filter((entry) => entry.time >= since);
  }

  clear(): void {
    this.entries = [];
  }
}

export function redactPath(path: string): string {
  return path.replace(/delta\(token=[^)]*\)/g, 'delta(token=…)').replace(/^\/_download\/[^/]+/, '/_download/…');
}
