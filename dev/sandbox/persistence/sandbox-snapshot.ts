// The whole persisted sandbox tenant: who it is (tenant id, app registrations, default user and
// drive), what it holds (tenant-snapshot.ts, identity-snapshot.ts), its clock and settings, the key
// its delta tokens are signed with, and each module's own part (subscriptions). Read back with zod;
// a file from another version or a damaged one stops start-up with a message instead of being
// overwritten.
import { z } from 'zod';
import { identitySnapshotSchema } from '../identity/identity-snapshot.js';
import { sandboxSettingsSchema } from '../state/sandbox-settings.js';
import { tenantSnapshotSchema } from '../state/tenant-snapshot.js';
import { SandboxStateFile, SandboxStateFileError } from './state-file.js';

export const SANDBOX_SNAPSHOT_VERSION = 1;

export const sandboxSnapshotSchema = z.object({
  version: z.literal(SANDBOX_SNAPSHOT_VERSION),
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  publicClientId: z.string().min(1),
  defaultUserId: z.string(),
  defaultDriveId: z.string(),
  tokenKeyBase64: z.string().min(1),
  clockOffsetMs: z.number().min(0),
  nextEnumerationNumber: z.number().int().min(1),
  settings: sandboxSettingsSchema,
  tenant: tenantSnapshotSchema,
  identity: identitySnapshotSchema,
  modules: z.record(z.string(), z.unknown()),
});
export type SandboxSnapshot = z.infer<typeof sandboxSnapshotSchema>;

/** A module's share of the state file (SandboxContext.persist). `restore` validates its own part. */
export interface PersistedPart {
  save(): unknown;
  restore(raw: unknown): void;
}

export function readSandboxSnapshot(file: string): SandboxSnapshot | undefined {
  const raw = SandboxStateFile.read(file);
  if (raw === undefined) return undefined;
  const parsed = sandboxSnapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SandboxStateFileError(
      `${file} does not hold a sandbox tenant this version can read (${issue?.path.join('.')}: ${issue?.message}); move it away to start a fresh sandbox tenant`,
    );
  }
  return parsed.data;
}
