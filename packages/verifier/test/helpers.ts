import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<repo>/../shared/vectors/`: CI clones the repo with `shared/` beside it. */
export const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);
export const VECTORS_DIR = fileURLToPath(VECTORS);

export const vectorText = (path: string): string => readFileSync(new URL(path, VECTORS), 'utf8');
export const vectorBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, VECTORS)));
export const vectorJson = <T = Record<string, unknown>>(path: string): T => JSON.parse(vectorText(path)) as T;

export const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';

/** Registry record for buildCredential (the shared vaccination record without addresses). */
export { shortVaccinationRecord as vaccinationRecord } from '../../../test/support/fixtures.js';

/** Compact view of the checks for assertions: `name:ok` or `name:CODE`. */
export const outline = (checks: readonly { name: string; ok: boolean; code?: string }[]): string[] =>
  checks.map((c) => `${c.name}:${c.ok ? 'ok' : c.code}`);
