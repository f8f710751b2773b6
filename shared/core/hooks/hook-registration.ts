// PUT, GET and DELETE /api/kbs/{kbId}/hook (docs/api.md, "Push to the host"). A PUT checks the URL
// against the target policy (hook-target-policy.ts), makes a new signing secret, stores it in the
// secret store, then writes the row: active, failures reset, a new registration id. So a PUT also
// re-enables a disabled hook and rotates its secret. The secret is answered by that PUT only.
import { randomUUID } from 'node:crypto';
import type { HookRepository, HookSecretStore } from '../ports/hook-ports.js';
import { toHookStatusView, type HookRecord, type HookStatusView, type RegisterHookBody } from './hook-record.js';
import { generateHookSecret } from './hook-signing.js';
import { checkHookTarget, type AddressResolver, type HookTargetPolicy } from './hook-target-policy.js';

export interface HookRegistrationDeps {
  hooks: HookRepository;
  secrets: HookSecretStore;
  policy: HookTargetPolicy;
  resolve: AddressResolver;
  now?: () => Date;
}

export type RegisterHookResult =
  { kind: 'created' | 'updated'; view: HookStatusView; secret: string } | { kind: 'refused'; reason: string };

const MAX_ATTEMPTS = 10;

export async function registerHook(
  deps: HookRegistrationDeps,
  kbId: string,
  body: RegisterHookBody,
): Promise<RegisterHookResult> {
  const check = await checkHookTarget(body.url, deps.policy, deps.resolve);
  if (!check.ok) return { kind: 'refused', reason: check.reason };
  const secret = generateHookSecret();
  // The secret first: a row never names a registration whose secret was not stored.
  await deps.secrets.write(kbId, secret);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.hooks.get(kbId);
    const now = (deps.now?.() ?? new Date()).toISOString();
    const record: HookRecord = {
      kbId,
      url: check.target.url.href,
      state: 'active',
      registrationId: randomUUID(),
      createdAt: current?.record.createdAt ?? now,
      updatedAt: now,
      consecutiveFailures: 0,
    };
    if (await deps.hooks.write(record, current?.etag)) {
      return { kind: current ? 'updated' : 'created', view: toHookStatusView(record), secret };
    }
  }
  throw new Error('the hook row kept changing during registration; try again');
}

export async function getHook(deps: Pick<HookRegistrationDeps, 'hooks'>, kbId: string) {
  const stored = await deps.hooks.get(kbId);
  return stored ? toHookStatusView(stored.record) : undefined;
}

export async function deleteHook(
  deps: Pick<HookRegistrationDeps, 'hooks' | 'secrets'>,
  kbId: string,
): Promise<'deleted' | 'not_found'> {
  const stored = await deps.hooks.get(kbId);
  // The secret goes even without a row: a PUT that stored it and then failed leaves one behind.
  await deps.hooks.delete(kbId);
  await deps.secrets.remove(kbId);
  return stored ? 'deleted' : 'not_found';
}
