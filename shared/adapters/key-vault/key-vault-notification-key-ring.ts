// The Graph notification certificates on Azure: one Key Vault certificate (its name a setting), whose
// versions are the rotations. Current = the newest enabled, unexpired version; previous = the one
// before it while it too is enabled and unexpired, so notifications of subscriptions created before a
// rotation still decrypt until they are renewed with the new certificate. The id Graph echoes
// (encryptionCertificateId) is the version.
// The public certificate is the version's `cer` (DER); its private key is the certificate's secret,
// read with getSecret at the secret id the certificate names, as Key Vault documents for exportable
// keys (https://learn.microsoft.com/en-us/azure/key-vault/certificates/about-certificates;
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data).
// The certificate's policy must say content type application/x-pem-file: Node reads PEM keys, not PKCS#12.
// Errors carry the operation and status only (key-vault-secrets.ts); a secret's value never leaves.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { CertificateClient, CertificateProperties } from '@azure/keyvault-certificates';
import { parseKeyVaultSecretIdentifier, type SecretClient } from '@azure/keyvault-secrets';
import type {
  EncryptionCertificate,
  NotificationKeyRing,
} from '../../providers/microsoft/webhooks/resource-data/notification-key-ring.js';
import { storeError } from './key-vault-secrets.js';

export interface KeyVaultNotificationKeyRingOptions {
  certificateName: string;
  /** How long the list of versions is trusted; default 5 minutes (the webhook has 3 s in all). */
  refreshMs?: number;
  /** Least time between two reads of the list for an id not in it (a forged id costs at most this); default 30 s. */
  unknownIdCooldownMs?: number;
  now?: () => Date;
}

type CertificateReads = Pick<CertificateClient, 'listPropertiesOfCertificateVersions' | 'getCertificateVersion'>;
type SecretReads = Pick<SecretClient, 'getSecret'>;

interface Versions {
  current: string;
  previous?: string;
  at: number;
}

const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/;

export class KeyVaultNotificationKeyRing implements NotificationKeyRing {
  private versions: Versions | undefined;
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly now: () => Date;

  constructor(
    private readonly certificates: CertificateReads,
    private readonly secrets: SecretReads,
    private readonly options: KeyVaultNotificationKeyRingOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async currentCertificate(): Promise<EncryptionCertificate> {
    const { current } = await this.currentVersions();
    const certificate = await this.read('certificate read', () =>
      this.certificates.getCertificateVersion(this.options.certificateName, current),
    );
    if (!certificate.cer || !certificate.properties.expiresOn) {
      throw new Error(`key vault certificate ${this.options.certificateName} has no public certificate or expiry`);
    }
    return {
      id: current,
      certificateBase64: Buffer.from(certificate.cer).toString('base64'),
      expiresAt: certificate.properties.expiresOn,
    };
  }

  async privateKey(certificateId: string): Promise<KeyObject | undefined> {
    let versions = await this.currentVersions();
    const cooldown = this.options.unknownIdCooldownMs ?? 30_000;
    if (!isListed(versions, certificateId) && this.now().getTime() - versions.at >= cooldown) {
      // A rotation made meanwhile (another instance renewed subscriptions with the new version).
      versions = await this.currentVersions(true);
    }
    if (!isListed(versions, certificateId)) return undefined;
    const cached = this.privateKeys.get(certificateId);
    if (cached) return cached;
    const key = await this.readPrivateKey(certificateId);
    this.privateKeys.set(certificateId, key);
    return key;
  }

  private async currentVersions(fresh = false): Promise<Versions> {
    const now = this.now();
    if (!fresh && this.versions && now.getTime() - this.versions.at < (this.options.refreshMs ?? 300_000)) {
      return this.versions;
    }
    const usable: CertificateProperties[] = await this.read('certificate versions read', async () => {
      const found: CertificateProperties[] = [];
      for await (const properties of this.certificates.listPropertiesOfCertificateVersions(
        this.options.certificateName,
      )) {
        if (isUsable(properties, now)) found.push(properties);
      }
      return found;
    });
    usable.sort((a, b) => (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0));
    const [current, previous] = usable.map((properties) => properties.version ?? '');
    if (!current) {
      throw new Error(`key vault certificate ${this.options.certificateName} has no enabled, unexpired version`);
    }
    this.versions = { current, ...(previous ? { previous } : {}), at: now.getTime() };
    for (const id of this.privateKeys.keys()) if (!isListed(this.versions, id)) this.privateKeys.delete(id);
    return this.versions;
  }

  private async readPrivateKey(version: string): Promise<KeyObject> {
    const name = this.options.certificateName;
    const certificate = await this.read('certificate read', () =>
      this.certificates.getCertificateVersion(name, version),
    );
    if (!certificate.secretId) throw new Error(`key vault certificate ${name} names no secret`);
    const secretId = parseKeyVaultSecretIdentifier(certificate.secretId);
    const secret = await this.read('certificate secret read', () =>
      this.secrets.getSecret(secretId.name, secretId.version ? { version: secretId.version } : {}),
    );
    if (secret.properties.contentType !== 'application/x-pem-file') {
      throw new Error(
        `key vault certificate ${name}: its policy's content type must be application/x-pem-file (is ${secret.properties.contentType ?? 'unset'})`,
      );
    }
    const pem = PEM_PRIVATE_KEY.exec(secret.value ?? '')?.[0];
    try {
      if (pem === undefined) throw new Error('no key');
      return createPrivateKey(pem);
    } catch {
      // Neither the value nor the parser's message (which may quote it) goes on.
      throw new Error(`key vault certificate ${name}: its secret holds no readable private key (not exportable?)`);
    }
  }

  private async read<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeError(operation, error);
    }
  }
}

function isUsable(properties: CertificateProperties, now: Date): boolean {
  if (properties.enabled === false || !properties.version) return false;
  if (properties.notBefore && properties.notBefore > now) return false;
  return !properties.expiresOn || properties.expiresOn > now;
}

function isListed(versions: Versions, id: string): boolean {
  return versions.current === id || versions.previous === id;
}
