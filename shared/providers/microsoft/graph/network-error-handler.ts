// A Graph client middleware just above the network. When fetch gets no answer, undici puts the
// reason (ECONNRESET, ECONNREFUSED, ETIMEDOUT…) in `cause`, and the client rewraps the error in a
// GraphError that keeps only the message. This handler moves the system error code into the
// message so the TransientError the provider raises can say what happened.
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export class NetworkErrorHandler implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('NetworkErrorHandler has no next middleware');
    try {
      await this.next.execute(context);
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === undefined) throw error;
      throw new Error(`network error ${code}`, { cause: error });
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The first `code` that looks like a system error code along the cause chain (bounded). */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR_[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}
