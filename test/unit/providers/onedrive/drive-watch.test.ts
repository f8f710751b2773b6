// Microsoft's side of the watch port: the Graph policy values for drive subscriptions, Graph's
// lifecycle event names mapped to the neutral ones, clientState's 128-character limit, and the tenant
// that notifications are pinned to.
import { describe, expect, test } from 'vitest';
import { WATCH_LIFECYCLE_EVENTS } from '../../../../shared/core/ports/watch-source.js';
import { DriveWatch } from '../../../../shared/providers/microsoft/drive/drive-watch.js';
import type { GraphTransport } from '../../../../shared/providers/microsoft/graph/graph-transport.js';
import { driveWatchPolicy } from '../../../../shared/providers/microsoft/webhooks/graph-watch-policy.js';
import {
  LIFECYCLE_EVENTS,
  NEUTRAL_LIFECYCLE_EVENT,
} from '../../../../shared/providers/microsoft/webhooks/notification-payloads.js';
import { pinnedTenant } from '../../../../shared/providers/microsoft/webhooks/pinned-tenant.js';
import { sourceRecord } from '../../../support/source-record.js';

/** A transport that must not be reached. */
const unreachable = new Proxy({} as GraphTransport, {
  get: () => () => Promise.reject(new Error('Graph must not be called')),
});

describe('the Graph watch policy for drives', () => {
  test('42,300-minute subscriptions renewed in place, reauthorizable, with every lifecycle event', () => {
    expect(driveWatchPolicy.maxLifetimeMs(sourceRecord())).toBe(42_300 * 60_000);
    expect(driveWatchPolicy.renewal).toBe('renew-in-place');
    expect(driveWatchPolicy.reauthorizeSupported).toBe(true);
    expect([...driveWatchPolicy.lifecycleEvents].sort()).toEqual([...WATCH_LIFECYCLE_EVENTS].sort());
    expect(driveWatchPolicy.maxSecretLength).toBe(128);
  });

  test('maps each Graph lifecycle event to its neutral name', () => {
    expect(LIFECYCLE_EVENTS.map((event) => NEUTRAL_LIFECYCLE_EVENT[event])).toEqual([
      'reauthorization_required',
      'removed',
      'missed',
    ]);
  });

  test('posts to the routes live subscriptions already use', () => {
    expect(new DriveWatch(unreachable, undefined).webhookName).toBe('graph');
  });
});

describe('DriveWatch', () => {
  const request = (secret: string) => ({
    callbackUrl: 'https://kbsync.example/api/webhooks/graph',
    secret,
    expiresAt: '2026-11-23T12:00:00.000Z',
  });

  test('refuses a clientState over 128 characters before calling Graph, without echoing it', async () => {
    const secret = 's'.repeat(129);
    const error = await new DriveWatch(unreachable, undefined)
      .create(sourceRecord(), request(secret))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/at most 128 characters/);
    expect((error as Error).message).not.toContain(secret);
  });
});

describe('the pinned tenant', () => {
  test('is the configured tenant, or none for a multi-tenant app', () => {
    expect(pinnedTenant('3f1c2d4e-0000-4000-8000-000000000001')).toBe('3f1c2d4e-0000-4000-8000-000000000001');
    for (const multi of ['common', 'Organizations', 'consumers', undefined, ''])
      expect(pinnedTenant(multi)).toBeUndefined();
  });
});
