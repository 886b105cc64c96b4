import { TrustStore, type TrustedKey } from '@divoc/keys';
import { DccCertificateError } from '../lib/errors.js';

const MAX_ENTRIES = 100_000;

export interface LoadDccSignerListOptions {
  /** Add to this store instead of a new one. */
  trustStore?: TrustStore;
}

function entriesOf(json: unknown): unknown[] {
  let value = json;
  if (typeof value === 'string') {
    if (value.length > 64 * 1024 * 1024) throw new DccCertificateError('signer list is too large');
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new DccCertificateError('signer list is not JSON', { cause });
    }
  }
  // EU gateway / national backends: a bare array, or `{ certificates: [...] }`.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { certificates?: unknown }).certificates)) {
    value = (value as { certificates: unknown[] }).certificates;
  }
  if (!Array.isArray(value)) throw new DccCertificateError('signer list must be an array of { kid, rawData } (or { certificates: [...] })');
  if (value.length > MAX_ENTRIES) throw new DccCertificateError(`signer list has more than ${MAX_ENTRIES} entries`);
  return value;
}

/**
 * Load an EU DCC signer list — `[{ "kid": "<base64>", "rawData": "<base64 DER certificate>", "country"?: "DE" }]` — into a
 * `TrustStore`. Each certificate is registered under the listed kid (its computed kid and SHA-256 are aliases); its DCC
 * extended key usage becomes purposes. All entries are checked before any is added; a bad one throws
 * `DccCertificateError` naming its index. Certificate chains are not checked: load only a list you already trust
 * (e.g. after checking the gateway's signature over it).
 */
export function loadDccSignerList(json: unknown, options: LoadDccSignerListOptions = {}): TrustStore {
  const entries = entriesOf(json);
  const staged = new TrustStore();
  const parsed: Array<{ rawData: string; kid: string; controller?: string }> = [];
  entries.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') throw new DccCertificateError(`signer list [${i}] must be an object`);
    const { kid, rawData, country } = entry as { kid?: unknown; rawData?: unknown; country?: unknown };
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 64) throw new DccCertificateError(`signer list [${i}].kid must be a base64 kid`);
    if (typeof rawData !== 'string' || rawData.length === 0) throw new DccCertificateError(`signer list [${i}].rawData must be a base64 DER certificate`);
    let key: TrustedKey;
    try {
      key = staged.addCertificate(rawData, { id: kid, ...(typeof country === 'string' && country.length <= 64 && country.length > 0 ? { controller: country } : {}) });
    } catch (cause) {
      throw new DccCertificateError(`signer list [${i}] (kid ${kid}): ${(cause as Error).message}`, { cause });
    }
    parsed.push({ rawData, kid, ...(key.controller !== undefined ? { controller: key.controller } : {}) });
  });
  const store = options.trustStore;
  if (!store) return staged;
  for (const { rawData, kid, controller } of parsed) store.addCertificate(rawData, { id: kid, ...(controller !== undefined ? { controller } : {}) });
  return store;
}
