// How long a drive subscription lives (graph-behaviour.md §3; Microsoft Graph "subscription resource
// type", maximum length of subscription per resource type: driveItem 42,300 minutes).
export const DRIVE_ITEM_MAX_SUBSCRIPTION_MINUTES = 42_300;
/** Asked for a little less than the maximum so clock skew never makes Graph reject the request. */
export const EXPIRY_MARGIN_MINUTES = 60;

export function subscriptionExpiry(nowMs: number): string {
  return new Date(nowMs + (DRIVE_ITEM_MAX_SUBSCRIPTION_MINUTES - EXPIRY_MARGIN_MINUTES) * 60_000).toISOString();
}

export function minutesLeft(expirationDateTime: string, nowMs: number): number {
  const expiresAt = Date.parse(expirationDateTime);
  return Number.isNaN(expiresAt) ? 0 : (expiresAt - nowMs) / 60_000;
}
