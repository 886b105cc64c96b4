/**
 * The files the documentation's examples read by name, as a reader would have them next to their script: each
 * example runs in a directory holding these copies of published test vectors (see test/vectors/README.md).
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { vectorPath } from '../support/vectors.js';

/** File or folder name in the example's directory → vector under test/vectors/. */
export const DOC_FILES: Readonly<Record<string, string>> = {
  // DIVOC's test key (its certificates name it `did:india`) and a certificate it signed, as JSON and as a QR image.
  'divoc-test-rsa.public.pem': 'divoc/keys/divoc-test-rsa.public.pem',
  'certificate.json': 'divoc/signed/rsa2018-divocdev-valid.json',
  'certificate.qr.png': 'divoc/qr/rsa2018-divocdev-valid.qr.png',
  // A SMART Health Card issuer's published folder (.well-known/jwks.json, crl/).
  issuer: 'shc/examples/issuer',
};

export async function copyDocFiles(dir: string): Promise<void> {
  for (const [name, vector] of Object.entries(DOC_FILES)) {
    await cp(vectorPath(vector), join(dir, name), { recursive: true });
  }
}
