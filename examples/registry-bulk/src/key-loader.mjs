// Imported by each @divoc/bulk worker thread: it reads the issuer's key file itself, so the private key never
// travels between threads. `options` is what main.mjs passed as `keys.options`.
import { readFile } from 'node:fs/promises';
import { createSigner, parseKeyFile } from '@divoc/keys';

export async function loadIssuerKeys(options) {
  const key = parseKeyFile(await readFile(options.keyFile), { name: options.keyFile, requirePrivate: true });
  return { vc: { signer: createSigner(key.keyPair, { id: key.id }) } };
}
