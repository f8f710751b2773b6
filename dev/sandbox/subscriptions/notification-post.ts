// One HTTP POST to a (loopback) webhook with a real-time timeout: used for validation requests and
// notification deliveries. Never throws; the caller decides what a failure means.

export interface PostResult {
  /** null when no response arrived (timeout or connection failure). */
  status: number | null;
  contentType: string | null;
  body: string;
  durationMs: number;
  timedOut: boolean;
  error: string | null;
}

export async function postToWebhook(
  url: string,
  init: { body: string; contentType: string; timeoutMs: number },
): Promise<PostResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(init.timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': init.contentType },
      body: init.body,
      redirect: 'manual',
      signal,
    });
    const body = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body,
      durationMs: performance.now() - started,
      timedOut: false,
      error: null,
    };
  } catch (error) {
    const timedOut = signal.aborted;
    return {
      status: null,
      contentType: null,
      body: '',
      durationMs: performance.now() - started,
      timedOut,
      error: timedOut ? 'timeout' : `connection failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
