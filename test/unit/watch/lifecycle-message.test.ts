// Lifecycle queue messages carry neutral event names; messages queued before the change, in the
// first provider's own names, are still read (and mean the same event).
import { describe, expect, test } from 'vitest';
import { lifecycleMessageSchema } from '../../../shared/core/notifications/notification-messages.js';

const message = (lifecycleEvent: string) => ({
  subscriptionId: 'sub-1',
  kbId: 'kb',
  sourceId: 'src',
  lifecycleEvent,
  receivedAt: '2026-11-23T12:00:00.000Z',
});

describe('lifecycle messages', () => {
  test.each(['reauthorization_required', 'removed', 'missed'])('read the neutral name %s', (name) => {
    expect(lifecycleMessageSchema.parse(message(name)).lifecycleEvent).toBe(name);
  });

  test.each([
    ['reauthorizationRequired', 'reauthorization_required'],
    ['subscriptionRemoved', 'removed'],
    ['missed', 'missed'],
  ])('read a message already queued as %s as %s', (earlier, neutral) => {
    expect(lifecycleMessageSchema.parse(message(earlier))).toEqual({ ...message(earlier), lifecycleEvent: neutral });
  });

  test.each(['somethingElse', 'toString', '__proto__', ''])('refuse the unknown event %j', (name) => {
    expect(lifecycleMessageSchema.safeParse(message(name)).success).toBe(false);
  });
});
