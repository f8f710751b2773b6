// Issue 10 item 10 (i): the npm scripts point NODE_EXTRA_CA_CERTS at a bundle of the sandbox cert
// and whatever CA file NODE_EXTRA_CA_CERTS named before, so a process started that way trusts both
// the sandbox and another Graph-compatible server with a private CA. Checked with a real child node.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import selfsigned from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../dev/sandbox/sandbox.js';
import { CERT_PATH, writeCaBundle } from '../../../dev/sandbox/tls/ensure-cert.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'kb-sync-ca-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Status of GET url from a fresh node process that trusts exactly NODE_EXTRA_CA_CERTS=bundle (plus the system roots). */
async function statusFromChild(url: string, bundle: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}).then(r => console.log(r.status), e => console.log(e.cause?.code ?? e.message))`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: bundle },
  });
  return stdout.trim();
}

describe('the CA bundle of the npm scripts', () => {
  it('trusts the sandbox and the private CA that NODE_EXTRA_CA_CERTS already named', async () => {
    const privateCa = await selfsigned.generate([{ name: 'commonName', value: 'private graph' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const privateCaFile = path.join(workDir, 'private-ca.pem');
    writeFileSync(privateCaFile, privateCa.cert);
    const server = https.createServer({ cert: privateCa.cert, key: privateCa.private }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sandbox = await startSandbox();
    try {
      const privateUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const sandboxUrl = `${sandbox.baseUrl}/_sandbox/tenant`;
      const sandboxCert = readFileSync(CERT_PATH, 'utf8');

      const combined = path.join(workDir, 'combined.pem');
      expect(writeCaBundle(sandboxCert, privateCaFile, combined)).toBeUndefined();
      expect(await statusFromChild(privateUrl, combined)).toBe('200');
      expect(await statusFromChild(sandboxUrl, combined)).toBe('200');

      // What the scripts did before: the sandbox cert only, and the private CA is no longer trusted.
      expect(await statusFromChild(privateUrl, CERT_PATH)).not.toBe('200');

      // Unset, or already the sandbox cert: the bundle is the sandbox cert alone; unreadable: a warning.
      const alone = path.join(workDir, 'alone.pem');
      writeCaBundle(sandboxCert, CERT_PATH, alone);
      expect(readFileSync(alone, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
      expect(writeCaBundle(sandboxCert, path.join(workDir, 'missing.pem'), alone)).toMatch(/cannot be read/);
    } finally {
      await sandbox.stop();
      server.close();
    }
  });
});
