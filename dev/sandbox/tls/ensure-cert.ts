// Makes (once) the self-signed certificate the sandbox serves HTTPS with, for 127.0.0.1, ::1 and
// localhost. The Graph JS client only attaches bearer tokens to https URLs and treats only https
// nextLinks as absolute (design.md, pitfalls), so the sandbox cannot be plain http. Processes that
// call the sandbox trust this file through NODE_EXTRA_CA_CERTS (set by the npm scripts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TLS_DIR = path.join(repoRoot, '.sandbox', 'tls');
export const CERT_PATH = path.join(TLS_DIR, 'cert.pem');
export const KEY_PATH = path.join(TLS_DIR, 'key.pem');

export interface SandboxTls {
  cert: string;
  key: string;
}

export async function ensureSandboxCertificate(): Promise<SandboxTls> {
  if (existsSync(CERT_PATH) && existsSync(KEY_PATH)) {
    return { cert: readFileSync(CERT_PATH, 'utf8'), key: readFileSync(KEY_PATH, 'utf8') };
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'kb-sync sandbox' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  mkdirSync(TLS_DIR, { recursive: true });
  writeFileSync(KEY_PATH, pems.private, { mode: 0o600 });
  writeFileSync(CERT_PATH, pems.cert);
  return { cert: pems.cert, key: pems.private };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureSandboxCertificate();
}
