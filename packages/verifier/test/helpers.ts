/** The published vectors in `<repo>/test/vectors/` (see its README); a missing one throws. */
export {
  VECTORS_URL as VECTORS,
  vectorBytes,
  vectorFiles,
  vectorJson,
  vectorPath,
  vectorText,
} from '../../../test/support/vectors.js';

export const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';

/** Registry record for buildCredential (the shared vaccination record without addresses). */
export { shortVaccinationRecord as vaccinationRecord } from '../../../test/support/fixtures.js';

/** Compact view of the checks for assertions: `name:ok` or `name:CODE`. */
export const outline = (checks: readonly { name: string; ok: boolean; code?: string }[]): string[] =>
  checks.map((c) => `${c.name}:${c.ok ? 'ok' : c.code}`);
