// The errors /v1.0/subscriptions answers with ({"error":{code,message,innerError}}, graph-errors.ts).
export class SubscriptionRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function invalid(message: string): SubscriptionRequestError {
  return new SubscriptionRequestError(400, 'InvalidRequest', message);
}
