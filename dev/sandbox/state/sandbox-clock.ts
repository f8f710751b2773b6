// The sandbox's own clock: wall time plus an offset that the control API can push forward, so
// tests can age tokens (access tokens, refresh tokens, delta tokens, download URLs) without waiting.
export class SandboxClock {
  private offsetMs = 0;
  private readonly advanceListeners = new Set<() => void>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the sandbox clock only moves forward');
    this.offsetMs += ms;
    for (const listener of this.advanceListeners) listener();
  }

  /** Told after every advance, so work due on the sandbox clock (notification retries) runs at once. */
  onAdvance(listener: () => void): () => void {
    this.advanceListeners.add(listener);
    return () => this.advanceListeners.delete(listener);
  }

  reset(): void {
    this.offsetMs = 0;
  }

  /** How far the clock was pushed forward: kept in a persisted sandbox's state file. */
  offset(): number {
    return this.offsetMs;
  }

  restoreOffset(ms: number): void {
    this.offsetMs = Math.max(0, ms);
  }
}
