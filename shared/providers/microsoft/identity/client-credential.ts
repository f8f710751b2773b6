// How the app proves its identity at the token endpoint (docs/graph-behaviour.md §6): a client secret, or
// one of two secretless options, both sent as a JWT client assertion
// (client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer):
// - a certificate: a PS256 JWT signed with the app registration's certificate key (Microsoft Entra
//   "Certificate credentials": header x5t#S256, claims aud/iss/sub/jti/nbf/exp);
// - a federated credential: a token of the app's user-assigned managed identity for
//   `api://AzureADTokenExchange/.default`, trusted by the app registration through a federated
//   identity credential (Microsoft Entra "Configure an application to trust a managed identity").
// With no credential the app is a public client and sends none (AADSTS700025 otherwise).
import { X509Certificate, createPrivateKey, constants, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';

export interface ClientCredential {
  readonly kind: 'secret' | 'certificate' | 'managed-identity-federation';
  /** Form fields that authenticate the app in a request to `tokenEndpointUrl`. */
  formFields(tokenEndpointUrl: string): Promise<Record<string, string>>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The audience of a managed identity token used as a federated client assertion (public cloud). */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

export function clientSecretCredential(secret: string): ClientCredential {
  return { kind: 'secret', formFields: () => Promise.resolve({ client_secret: secret }) };
}

export interface CertificateCredentialInput {
  clientId: string;
  /** PEM text holding the certificate and its private key (the usual Key Vault / openssl export). */
  pem: string;
  now?: () => number;
}

/** Assertions live this long; Entra advises 5-10 minutes after nbf. */
const ASSERTION_LIFETIME_SECONDS = 600;

export function certificateCredential(input: CertificateCredentialInput): ClientCredential {
  const certificate = new X509Certificate(input.pem);
  let key: KeyObject;
  try {
    key = createPrivateKey(input.pem);
  } catch {
    // Node's message can quote PEM fragments: replace it.
    throw new Error('the client certificate PEM holds no usable private key');
  }
  const thumbprint = certificate.fingerprint256.replace(/:/g, '');
  const x5tS256 = Buffer.from(thumbprint, 'hex').toString('base64url');
  const now = input.now ?? Date.now;
  return {
    kind: 'certificate',
    formFields: (tokenEndpointUrl) => {
      const issuedAt = Math.floor(now() / 1000);
      const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': x5tS256 };
      const claims = {
        aud: tokenEndpointUrl,
        iss: input.clientId,
        sub: input.clientId,
        jti: randomUUID(),
        nbf: issuedAt,
        iat: issuedAt,
        exp: issuedAt + ASSERTION_LIFETIME_SECONDS,
      };
      const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
      const signature = sign('sha256', Buffer.from(signingInput), {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
      return Promise.resolve({
        client_assertion_type: JWT_BEARER,
        client_assertion: `${signingInput}.${signature.toString('base64url')}`,
      });
    },
  };
}

/** `identity` is a ManagedIdentityCredential for the user-assigned identity (any TokenCredential in tests). */
export function managedIdentityFederationCredential(identity: TokenCredential): ClientCredential {
  return {
    kind: 'managed-identity-federation',
    formFields: async () => {
      // @azure/identity caches the managed identity token and refreshes it before expiry.
      const token = await identity.getToken(TOKEN_EXCHANGE_SCOPE);
      if (!token) throw new Error('the managed identity returned no token for the federated client assertion');
      return { client_assertion_type: JWT_BEARER, client_assertion: token.token };
    },
  };
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
