import { sha256 } from '@divoc/keys';

/** Ids usable as a file name on every OS: no path separators, no leading dot, bounded length. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/**
 * Names Windows reserves for devices, with any extension (`NUL.json` opens the null device), and a trailing dot
 * (dropped by Windows, so `a.` and `a` collide).
 */
const WINDOWS_RESERVED = /^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\..*)?$|\.$/i;

/**
 * The rule for a certificate id wherever ids become file names (the CLI's output files, the service's storage
 * keys).
 */
export function isSafeCertificateId(id: unknown): id is string {
  return typeof id === 'string' && SAFE_ID.test(id) && !WINDOWS_RESERVED.test(id);
}

/** Why an id is refused, for messages. */
export const SAFE_CERTIFICATE_ID_RULE =
  '1-128 characters of A-Z a-z 0-9 . _ - not starting with . _ or -, not ending with ., ' +
  'and no device name (CON, NUL, COM1, LPT1, ...)';

/** The certificate id for a record, or why the record cannot have one (the field and the reason). */
export type CertificateIdResult = { ok: true; certificateId: string } | { ok: false; field: string; reason: string };

/**
 * The certificate id for a record: the record's own `certificateId` when it gives one, otherwise a UUID-shaped id
 * (RFC 9562 version 8 layout) from SHA-256 over the template, the person's identity and the dose. The same person
 * and dose therefore always map to the same id, which makes reruns idempotent (the `divoc issue` rule).
 *
 * Identity is `identity`, else `refId`, else name + date of birth (or age): the first the record has.
 */
export function certificateIdFor(template: string, record: Readonly<Record<string, unknown>>): CertificateIdResult {
  if (typeof record !== 'object' || record === null)
    return { ok: false, field: '(record)', reason: 'record must be an object' };
  const given = record.certificateId;
  if (given !== undefined) {
    const id = typeof given === 'number' && Number.isSafeInteger(given) ? String(given) : given;
    if (!isSafeCertificateId(id))
      return { ok: false, field: 'certificateId', reason: `must be ${SAFE_CERTIFICATE_ID_RULE}` };
    return { ok: true, certificateId: id };
  }
  const identity = personKey(record);
  if (identity === undefined) {
    return {
      ok: false,
      field: 'identity',
      reason: 'record needs identity, refId, or name with dob/age to derive a certificateId',
    };
  }
  const dose = scalar(record.dose) ?? '';
  // SHA-256 from @divoc/keys (runtime-neutral): the issuer runs in browsers and workers without Node built-ins.
  const bytes = sha256(JSON.stringify(['divoc-certificate-id/1', template, identity, dose])).slice(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80; // version 8: custom/name-based
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 9562 variant
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return {
    ok: true,
    certificateId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
  };
}

function personKey(record: Readonly<Record<string, unknown>>): string | undefined {
  const identity = scalar(record.identity);
  if (identity) return `identity:${identity}`;
  const refId = scalar(record.refId);
  if (refId) return `refId:${refId}`;
  const name = scalar(record.name);
  const born = scalar(record.dob) ?? scalar(record.age);
  if (name && born) return `person:${name.toLowerCase()}|${born}`;
  return undefined;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
