/**
 * The key loader `divoc issue` gives `@divoc/bulk`: each worker thread imports this module (dist/bulk-keys.js) and
 * loads the keys from the files named on the command line itself, so private key bytes never travel in messages.
 */
import type { IssuerKeys } from '@divoc/issuer';
import { issuerKeysOf, loadMaterial, type BulkKeyOptions } from './lib/bulk/material.js';

export async function loadIssuerKeys(options: unknown): Promise<IssuerKeys> {
  const { cwd, flags, formats } = options as BulkKeyOptions;
  const { material } = await loadMaterial({ cwd }, flags, formats);
  return issuerKeysOf(material);
}
