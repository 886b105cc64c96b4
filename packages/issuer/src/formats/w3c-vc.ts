import { isJsonObject, type Signer } from '@divoc/keys';
import { signW3cCredential, type VcSigningKey } from '@divoc/vc';
import { addCredentialStatus, isStatusError, statusEntryProblem, type BitstringStatusListEntry } from '@divoc/status';
import type { SignedCredential, UnsignedCredential } from '@divoc/vc';
import { IssuerInputError } from '../lib/errors.js';
import type { CredentialStatusEntries } from '../types.js';

/** At most as many entries as the credential schema allows (`credentialStatus` maxItems). */
export const MAX_STATUS_ENTRIES = 8;
/**
 * Checks pre-allocated status entries (one, or 1 to 8 in an array) the way `@divoc/status` reads them when it checks
 * a credential's status (`BitstringStatusListEntry`, purpose, index, list URL, size and messages), so a credential is
 * never signed over an entry its status cannot be checked by. Throws `IssuerInputError`; returns them as an array.
 */
export function checkStatusEntries(value: unknown, at = 'credentialStatus'): BitstringStatusListEntry[] {
  const entries: unknown[] = Array.isArray(value) ? value : [value];
  if (entries.length === 0 || entries.length > MAX_STATUS_ENTRIES) {
    throw new IssuerInputError(`${at} must be one entry or 1 to ${MAX_STATUS_ENTRIES} entries`);
  }
  entries.forEach((entry, i) => {
    // The one reading of an entry: @divoc/status's, the one that will check the credential's status later.
    const problem = statusEntryProblem(entry, Array.isArray(value) ? `${at}[${i}]` : at);
    if (problem !== undefined) throw new IssuerInputError(problem);
  });
  return entries as BitstringStatusListEntry[];
}

/** Adds checked entries to a copy of an unsigned credential (`addCredentialStatus`: the VC 1.1 context too). */
export function withCredentialStatus(
  credential: Readonly<Record<string, unknown>>,
  entries: readonly BitstringStatusListEntry[],
): Record<string, unknown> {
  try {
    const entry = entries.length === 1 ? entries[0]! : entries;
    return addCredentialStatus(credential as UnsignedCredential, entry) as Record<string, unknown>;
  } catch (error) {
    if (isStatusError(error)) throw new IssuerInputError(`credentialStatus: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Options of `issueW3cCredential`: the signing key and the status entries to add. */
export interface IssueW3cCredentialOptions {
  /** The W3C VC signer (a `Signer`, or a `VcSigningKey` naming the suite and verification method). */
  key: Signer | VcSigningKey;
  /**
   * Status entries allocated already (by a service's status list manager, a bulk run's journal...): added as
   * `credentialStatus` before signing, so the proof covers them.
   */
  credentialStatus?: CredentialStatusEntries;
  /** The proof's `created`. Default now. */
  issuanceDate?: Date;
}

/**
 * Signs one unsigned W3C credential as `issueAllFormats` does: the given status entries are added first (checked,
 * with the Bitstring Status List context on VC 1.1), then the credential is signed with the key's suite. Bad input
 * throws `IssuerInputError`; a signing failure is `@divoc/vc`'s error, unchanged.
 */
export async function issueW3cCredential(
  credential: Readonly<Record<string, unknown>>,
  options: IssueW3cCredentialOptions,
): Promise<SignedCredential> {
  if (!isJsonObject(credential)) throw new IssuerInputError('credential must be an object');
  if (!isJsonObject(options) || typeof options.key !== 'object' || options.key === null) {
    throw new IssuerInputError('options.key (the W3C VC signer) is required');
  }
  if ('proof' in credential && credential.proof !== undefined) {
    throw new IssuerInputError('the credential is already signed: a status entry cannot be added to it');
  }
  const date = options.issuanceDate;
  if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()))) {
    throw new IssuerInputError('options.issuanceDate must be a valid Date');
  }
  const unsigned =
    options.credentialStatus === undefined
      ? credential
      : withCredentialStatus(credential, checkStatusEntries(options.credentialStatus, 'options.credentialStatus'));
  return signW3cCredential(unsigned, options.key, date);
}
