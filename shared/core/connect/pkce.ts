// PKCE for the authorization code flow (RFC 7636; docs/graph-behaviour.md §6): a random code_verifier stays
// with us, its S256 challenge goes to /authorize, and only the holder of the verifier can redeem the code.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url: 43 characters, the RFC's recommended minimum entropy. */
export function createCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** code_challenge = BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export function codeChallengeS256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}
