// The Graph notification certificates for local runs (no KEY_VAULT_URL): a self-signed X.509
// certificate and its RSA-2048 key, made on first use and kept, as PEM, in one row of the local token
// table sealed with AES-256-GCM under LOCAL_TOKEN_KEYS like the grants (local-token-store.ts), so the
// private key is never in clear at rest and a LOCAL_TOKEN_KEYS rotation re-seals it. `rotate` makes a
// new certificate current and keeps the old one as previous, so notifications of subscriptions created
// before still decrypt until those subscriptions are renewed with the new certificate.
// Node cannot make X.509 certificates itself; selfsigned (already the sandbox TLS certificate's maker) does.
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data
import { X509Certificate, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import selfsigned from 'selfsigned';
import { z } from 'zod';
import { parseJsonOrUndefined } from '../../core/validation/parse-json.js';
import type {
  EncryptionCertificate,
  NotificationKeyRing,
} from '../../providers/microsoft/webhooks/resource-data/notification-key-ring.js';
import { isRestError } from '../azure/rest-error.js';
import { open, seal } from './local-token-cipher.js';
import type { LocalTokenKeyRing } from './local-token-keys.js';
import { NOTIFICATION_CERTIFICATES_ROW_KEY, sealedEntitySchema } from './local-token-store.js';

/** The partition key, and the cipher's associated data, of the one row. */
export const NOTIFICATION_CERTIFICATES_PARTITION = 'graph-notification-certificates';

const storedCertificateSchema = z.object({
  id: z.string().min(1),
  certificatePem: z.string().min(1),
  privateKeyPem: z.string().min(1),
  notAfter: z.iso.datetime(),
});
type StoredCertificate = z.infer<typeof storedCertificateSchema>;
const storedRingSchema = z.object({ current: storedCertificateSchema, previous: storedCertificateSchema.optional() });
type StoredRing = z.infer<typeof storedRingSchema>;

type Row = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/** The three calls of a TableClient the key ring makes (a TableClient is one). */
export interface LocalKeyRingTable {
  getEntity(partitionKey: string, rowKey: string): Promise<unknown>;
  createEntity(entity: Row): Promise<unknown>;
  updateEntity(entity: Row, mode: 'Replace', options: { etag: string }): Promise<unknown>;
}

export interface LocalNotificationKeyRingOptions {
  /** Lifetime of a new certificate; default 365 days. */
  lifetimeDays?: number;
  /** Least time between two re-reads of the row for an id not in memory; default 5 s. */
  rereadCooldownMs?: number;
  now?: () => Date;
}

export class LocalNotificationKeyRing implements NotificationKeyRing {
  private loaded: { ring: StoredRing; etag: string; at: number } | undefined;
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly now: () => Date;

  /** `keys` is read on first use, like the other local secret stores. */
  constructor(
    private readonly table: LocalKeyRingTable,
    private readonly keys: () => LocalTokenKeyRing,
    private readonly options: LocalNotificationKeyRingOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async currentCertificate(): Promise<EncryptionCertificate> {
    const { ring } = await this.load();
    return publicPart(ring.current);
  }

  async privateKey(certificateId: string): Promise<KeyObject | undefined> {
    const loaded = await this.load();
    let ring = loaded.ring;
    if (
      !usable(ring, certificateId, this.now()) &&
      this.now().getTime() - loaded.at >= (this.options.rereadCooldownMs ?? 5_000)
    ) {
      // Another process (npm start runs several) may have rotated meanwhile.
      ({ ring } = await this.load(true));
    }
    const entry = usable(ring, certificateId, this.now());
    if (!entry) return undefined;
    let key = this.privateKeys.get(entry.id);
    if (!key) {
      key = createPrivateKey(entry.privateKeyPem);
      this.privateKeys.set(entry.id, key);
    }
    return key;
  }

  /** Makes a new current certificate; the old current one becomes previous (the one before is dropped). */
  async rotate(): Promise<EncryptionCertificate> {
    const { ring, etag } = await this.load(true);
    const next: StoredRing = { current: await this.generate(), previous: ring.current };
    try {
      await this.table.updateEntity(this.row(next), 'Replace', { etag });
    } catch (error) {
      if (isRestError(error, 412)) throw new Error('the notification certificates changed meanwhile; rotate again');
      throw error;
    }
    this.loaded = undefined;
    return publicPart(next.current);
  }

  private async load(fresh = false): Promise<{ ring: StoredRing; etag: string; at: number }> {
    if (this.loaded && !fresh) return this.loaded;
    let raw = await this.read();
    if (raw === undefined) {
      try {
        await this.table.createEntity(this.row({ current: await this.generate() }));
      } catch (error) {
        // Another process made it first: use theirs.
        if (!isRestError(error, 409)) throw error;
      }
      raw = await this.read();
      if (raw === undefined) throw new Error('the notification certificates row vanished after its creation');
    }
    const entity = sealedEntitySchema.parse(raw);
    const parsed = storedRingSchema.safeParse(
      parseJsonOrUndefined(open(this.keys(), entity, NOTIFICATION_CERTIFICATES_PARTITION)),
    );
    if (!parsed.success) throw new Error('the notification certificates row is not a certificate ring');
    this.loaded = { ring: parsed.data, etag: entity.etag, at: this.now().getTime() };
    return this.loaded;
  }

  private async read(): Promise<unknown> {
    try {
      return await this.table.getEntity(NOTIFICATION_CERTIFICATES_PARTITION, NOTIFICATION_CERTIFICATES_ROW_KEY);
    } catch (error) {
      if (isRestError(error, 404)) return undefined;
      throw error;
    }
  }

  private row(ring: StoredRing) {
    return {
      partitionKey: NOTIFICATION_CERTIFICATES_PARTITION,
      rowKey: NOTIFICATION_CERTIFICATES_ROW_KEY,
      kind: 'graph-notification-certificates',
      currentId: ring.current.id,
      ...seal(this.keys(), JSON.stringify(ring), NOTIFICATION_CERTIFICATES_PARTITION),
    };
  }

  private async generate(): Promise<StoredCertificate> {
    const notBefore = this.now();
    const notAfter = new Date(notBefore.getTime() + (this.options.lifetimeDays ?? 365) * 86_400_000);
    const id = `local-${randomBytes(12).toString('base64url')}`;
    const pems = await selfsigned.generate([{ name: 'commonName', value: `kb-sync graph notifications ${id}` }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [{ name: 'keyUsage', keyEncipherment: true, dataEncipherment: true }],
    });
    return { id, certificatePem: pems.cert, privateKeyPem: pems.private, notAfter: notAfter.toISOString() };
  }
}

function publicPart(entry: StoredCertificate): EncryptionCertificate {
  return {
    id: entry.id,
    certificateBase64: new X509Certificate(entry.certificatePem).raw.toString('base64'),
    expiresAt: new Date(entry.notAfter),
  };
}

/** The current certificate of that id, or the previous one while it is unexpired. */
function usable(ring: StoredRing, certificateId: string, now: Date): StoredCertificate | undefined {
  if (ring.current.id === certificateId) return ring.current;
  const previous = ring.previous;
  if (previous?.id === certificateId && new Date(previous.notAfter) > now) return previous;
  return undefined;
}
