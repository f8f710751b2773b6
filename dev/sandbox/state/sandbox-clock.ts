// The sandbox's own clock: wall time plus an offset that the control API can push forward, so
// tests can age tokens (access tokens, refresh tokens, delta tokens, download URLs) without waiting.
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the sandbox clock only moves forward');
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
