// Health = storage answers. Bounded by a timeout so a hung emulator or network cannot hang the probe.
import type { StorageClients } from './storage-clients.js';

export async function storageAnswers(storage: StorageClients, timeoutMs = 3_000): Promise<boolean> {
  const abort = AbortSignal.timeout(timeoutMs);
  try {
    await Promise.all([
      storage.queueService.getProperties({ abortSignal: abort }),
      storage.tableService.getProperties({ abortSignal: abort }),
    ]);
    return true;
  } catch {
    return false;
  }
}
