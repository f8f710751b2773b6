// Makes (once) the self-signed certificate the sandbox serves HTTPS with, for 127.0.0.1, ::1 and
// localhost. The Graph JS client only attaches bearer tokens to https URLs and treats only https
// nextLinks as absolute, so the sandbox cannot be plain http. Processes that call the sandbox trust
// it through NODE_EXTRA_CA_CERTS, which the npm scripts point at ca-bundle.pem: the sandbox cert
// plus whatever CA file NODE_EXTRA_CA_CERTS already named (Node reads a single file), so a private
// CA of another Graph-compatible server stays trusted.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TLS_DIR = path.join(repoRoot, '.sandbox', 'tls');
export const CERT_PATH = path.join(TLS_DIR, 'cert.pem');
export const KEY_PATH = path.join(TLS_DIR, 'key.pem');
export const CA_BUNDLE_PATH = path.join(TLS_DIR, 'ca-bundle.pem');

/**
 * Writes ca-bundle.pem: the CA file `extraCaCerts` names (the caller's NODE_EXTRA_CA_CERTS), if any
 * and not ours, followed by the sandbox cert. Returns a warning when that file cannot be read.
 */
export function writeCaBundle(
  sandboxCert: string,
  extraCaCerts: string | undefined,
  bundlePath = CA_BUNDLE_PATH,
): string | undefined {
  let theirs = '';
  let warning: string | undefined;
  const own = new Set([path.resolve(CERT_PATH), path.resolve(bundlePath)]);
  if (extraCaCerts && !own.has(path.resolve(extraCaCerts))) {
    try {
      theirs = readFileSync(extraCaCerts, 'utf8');
    } catch (error) {
      warning = `NODE_EXTRA_CA_CERTS=${extraCaCerts} cannot be read (${(error as NodeJS.ErrnoException).code}); trusting the sandbox certificate only`;
    }
  }
  mkdirSync(path.dirname(bundlePath), { recursive: true });
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  writeFileSync(temporary, `${theirs.trimEnd()}${theirs ? '\n' : ''}${sandboxCert.trimEnd()}\n`);
  renameSync(temporary, bundlePath);
  return warning;
}

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
  const { cert } = await ensureSandboxCertificate();
  const warning = writeCaBundle(cert, process.env.NODE_EXTRA_CA_CERTS);
  if (warning) console.error(warning);
}
