// The certificate Graph encrypts resource data with, and the private keys that decrypt it. A
// subscription with includeResourceData names an encryption certificate (its public X.509 in base64
// DER, and an id of ours, encryptionCertificateId); each notification's encryptedContent names the id
// again, so the key ring answers the private key of that id: the current one, and the previous one
// while a rotation overlaps (subscriptions made before the rotation keep encrypting with it until they
// are renewed with the new certificate).
// https://learn.microsoft.com/en-us/graph/change-notifications-with-resource-data
// Implementations: adapters/key-vault/key-vault-notification-key-ring.ts (Azure),
// adapters/azure-tables/local-notification-key-ring.ts (local runs).
import type { KeyObject } from 'node:crypto';

export interface EncryptionCertificate {
  /** Our id of the certificate (the subscription's encryptionCertificateId; Graph allows 128 characters). */
  id: string;
  /** The public X.509 certificate, base64 DER (the subscription's encryptionCertificate). */
  certificateBase64: string;
  /** Its notAfter: a subscription should not outlive it. */
  expiresAt: Date;
}

export interface NotificationKeyRing {
  /** The certificate new and renewed subscriptions are to be created with. */
  currentCertificate(): Promise<EncryptionCertificate>;
  /** The private key of a certificate id, or undefined when the id is neither current nor previous. */
  privateKey(certificateId: string): Promise<KeyObject | undefined>;
}

/** The longest encryptionCertificateId Graph accepts (subscription resource type). */
export const MAX_CERTIFICATE_ID_LENGTH = 128;
