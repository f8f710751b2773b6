// A real HTTP webhook on 127.0.0.1 for tests and local experiments: answers Graph's validation
// handshake by echoing the decoded token (webhook-receiver-validation-request.md), accepts
// notifications with 202, records every request, and can be told to answer otherwise (wrong echo,
// 500s, slow answers) to exercise the sandbox's failure paths.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  contentType: string | undefined;
  body: string;
}

export interface ReceiverAnswer {
  status: number;
  contentType?: string;
  body?: string;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
}

/** Decides the answer; return undefined for the default behaviour. */
export type ReceiverBehaviour = (
  request: ReceivedRequest,
  validationToken: string | null,
) => ReceiverAnswer | undefined;

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  behaviour: ReceiverBehaviour = () => undefined;

  private readonly server = http.createServer((req, res) => {
    void this.handle(req, res);
  });
  private port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(0, '127.0.0.1', () => resolve());
    });
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  /** Notification POSTs (not validation requests) received so far, parsed as {"value":[…]}. */
  notificationBatches(pathPrefix = '/'): { url: string; value: Record<string, unknown>[] }[] {
    return this.requests
      .filter((r) => r.body !== '' && r.url.startsWith(pathPrefix) && !r.url.includes('validationToken='))
      .map((r) => ({ url: r.url, value: (JSON.parse(r.body) as { value: Record<string, unknown>[] }).value }));
  }

  validationRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => r.url.includes('validationToken='));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '/',
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(request);
    const validationToken = new URL(request.url, this.baseUrl).searchParams.get('validationToken');
    const answer = this.behaviour(request, validationToken) ?? defaultAnswer(validationToken);
    if (answer.delayMs) await sleep(answer.delayMs);
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
    res.end(answer.body ?? '');
  }
}

function defaultAnswer(validationToken: string | null): ReceiverAnswer {
  if (validationToken !== null) return { status: 200, contentType: 'text/plain', body: validationToken };
  return { status: 202 };
}
