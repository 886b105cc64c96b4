import { isJsonObject } from '@divoc/keys';
import type { Check } from '@divoc/keys';
import { readJsonPath, type AmbiguousTermGroup } from '@divoc/vc';
import { RevocationListInvalidError } from '../lib/errors.js';
import { describe, failed, passed, readJson } from '../lib/json.js';
import { MAX_REVOCATION_LIST_CHARS } from '../lib/limits.js';

/**
 * DIVOC-style revocation list. DIVOC revoked certificates by certificate id; when a certificate was corrected
 * and reissued, every earlier version was revoked and the new one pointed at them. The shape:
 *
 * ```json
 * {
 *   "revoked":  [ { "certificateId": "244768056", "revokedAt": "2021-08-01T00:00:00Z", "reason": "issued in error" } ],
 *   "replaced": [ { "certificateId": "244768099", "previous": ["244768056", "244768057"] } ]
 * }
 * ```
 * `replaced[].certificateId` is the current certificate (not revoked); each id in `previous` is revoked.
 * The list is not signed: load it from a channel you trust (your registry, a signed bundle).
 */
export interface DivocRevocationList {
  readonly revoked: readonly DivocRevokedCertificate[];
  readonly replaced?: readonly DivocReplacement[];
}

/** One revoked DIVOC certificate. */
export interface DivocRevokedCertificate {
  readonly certificateId: string;
  /** ISO 8601 date-time. */
  readonly revokedAt?: string;
  readonly reason?: string;
}

/** A certificate that replaced earlier versions of itself (which are all revoked). */
export interface DivocReplacement {
  /** The certificate that replaces the earlier ones (itself still valid). */
  readonly certificateId: string;
  /** Every earlier version: all revoked. */
  readonly previous: readonly string[];
}

/** Why a certificate id is on the list. */
export interface DivocRevocation {
  certificateId: string;
  /** `revoked`: listed in `revoked`; `replaced`: an earlier version of `replacedBy`. */
  kind: 'revoked' | 'replaced';
  revokedAt?: string;
  reason?: string;
  replacedBy?: string;
}

/** Bounds: DIVOC's national deployment revoked a few hundred thousand certificates at most. */
const MAX_LIST_CHARS = MAX_REVOCATION_LIST_CHARS;
const MAX_ENTRIES = 2_000_000;
const MAX_PREVIOUS = 64;
const MAX_ID_LENGTH = 128;
const MAX_REASON_LENGTH = 1024;

const INDEX = new WeakMap<DivocRevocationList, Map<string, DivocRevocation>>();

function certificateIdValue(value: unknown, at: string): string {
  const id = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || /[\u0000-\u001f]/.test(id)) {
    throw new RevocationListInvalidError(
      `DIVOC revocation list: ${at} must be a certificate id string of 1 to ${MAX_ID_LENGTH} characters ` +
        `(got ${describe(value)})`,
    );
  }
  return id;
}

/**
 * Checks and indexes a DIVOC revocation list (JSON text or object) and returns a frozen copy.
 * Throws `RevocationListInvalidError`.
 */
export function createDivocRevocationList(input: unknown): DivocRevocationList {
  const fail = (m: string, cause?: unknown): RevocationListInvalidError =>
    new RevocationListInvalidError(`DIVOC revocation list: ${m}`, { cause });
  const data = readJson(input ?? {}, MAX_LIST_CHARS, fail);
  if (!isJsonObject(data)) throw fail('must be a JSON object');
  const revokedIn = data.revoked ?? [];
  const replacedIn = data.replaced ?? [];
  if (!Array.isArray(revokedIn)) throw fail('revoked must be an array');
  if (!Array.isArray(replacedIn)) throw fail('replaced must be an array');
  if (revokedIn.length + replacedIn.length > MAX_ENTRIES) throw fail(`more than ${MAX_ENTRIES} entries`);
  const index = new Map<string, DivocRevocation>();
  const revoked: DivocRevokedCertificate[] = revokedIn.map((raw: unknown, i) => {
    if (!isJsonObject(raw)) throw fail(`revoked[${i}] must be an object`);
    const certificateId = certificateIdValue(raw.certificateId, `revoked[${i}].certificateId`);
    const entry: { certificateId: string; revokedAt?: string; reason?: string } = { certificateId };
    if (raw.revokedAt !== undefined) {
      if (typeof raw.revokedAt !== 'string' || raw.revokedAt.length > 64 || Number.isNaN(Date.parse(raw.revokedAt)))
        throw fail(`revoked[${i}].revokedAt must be an ISO 8601 date-time`);
      entry.revokedAt = raw.revokedAt;
    }
    if (raw.reason !== undefined) {
      if (typeof raw.reason !== 'string' || raw.reason.length > MAX_REASON_LENGTH)
        throw fail(`revoked[${i}].reason must be a string of at most ${MAX_REASON_LENGTH} characters`);
      entry.reason = raw.reason;
    }
    index.set(certificateId, {
      certificateId,
      kind: 'revoked',
      ...(entry.revokedAt ? { revokedAt: entry.revokedAt } : {}),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    });
    return Object.freeze(entry);
  });
  const replaced: DivocReplacement[] = replacedIn.map((raw: unknown, i) => {
    if (!isJsonObject(raw)) throw fail(`replaced[${i}] must be an object`);
    const certificateId = certificateIdValue(raw.certificateId, `replaced[${i}].certificateId`);
    if (!Array.isArray(raw.previous) || raw.previous.length === 0 || raw.previous.length > MAX_PREVIOUS) {
      throw fail(`replaced[${i}].previous must be a non-empty array of at most ${MAX_PREVIOUS} certificate ids`);
    }
    const previous = raw.previous.map((p: unknown, j) => {
      const id = certificateIdValue(p, `replaced[${i}].previous[${j}]`);
      if (id === certificateId) throw fail(`replaced[${i}] lists ${describe(id)} as its own previous version`);
      // An explicit revocation says more (date, reason) than "replaced": keep it.
      if (!index.has(id)) index.set(id, { certificateId: id, kind: 'replaced', replacedBy: certificateId });
      return id;
    });
    return Object.freeze({ certificateId, previous: Object.freeze(previous) });
  });
  const list: DivocRevocationList = Object.freeze({
    revoked: Object.freeze(revoked),
    ...(replaced.length ? { replaced: Object.freeze(replaced) } : {}),
  });
  INDEX.set(list, index);
  return list;
}

function indexOf(list: DivocRevocationList): Map<string, DivocRevocation> {
  let index = INDEX.get(list);
  if (!index) {
    // A plain object the caller built: check and index it once.
    const checked = createDivocRevocationList(list);
    index = INDEX.get(checked)!;
    if (typeof list === 'object' && list !== null) INDEX.set(list, index);
  }
  return index;
}

/** Why `certificateId` is revoked, or `undefined` when it is not on the list. */
export function findDivocRevocation(list: DivocRevocationList, certificateId: string): DivocRevocation | undefined {
  const found = indexOf(list).get(String(certificateId));
  return found ? { ...found } : undefined;
}

/** Whether `certificateId` is revoked (listed, or an earlier version of a reissued certificate). */
export function isDivocCertificateRevoked(list: DivocRevocationList, certificateId: string): boolean {
  return findDivocRevocation(list, certificateId) !== undefined;
}

/**
 * The certificate id of a DIVOC credential: `evidence[0].certificateId` (what DIVOC and `buildCredential` write),
 * else the last path segment of `evidence[0].id` (`https://divoc.dev/vaccine/244768056`). `undefined` when
 * neither holds one (some DIVOC test certificates carry `…/vaccine/undefined`).
 */
export function divocCertificateId(credential: unknown): string | undefined {
  if (!isJsonObject(credential)) return undefined;
  const evidence = Array.isArray(credential.evidence) ? credential.evidence[0] : credential.evidence;
  if (!isJsonObject(evidence)) return undefined;
  const direct = evidence.certificateId;
  if (typeof direct === 'string' && direct.length > 0 && direct.length <= MAX_ID_LENGTH) return direct;
  if (typeof direct === 'number' && Number.isSafeInteger(direct) && direct >= 0) return String(direct);
  if (typeof evidence.id === 'string' && evidence.id.length <= 2048) {
    const match = /\/([^/?#]+)\/?$/.exec(evidence.id);
    if (match) {
      let segment: string;
      try {
        segment = decodeURIComponent(match[1]!);
      } catch {
        return undefined;
      }
      if (segment !== 'undefined' && segment !== 'null' && segment.length <= MAX_ID_LENGTH) return segment;
    }
  }
  return undefined;
}

/** One value that may be the certificate id, and the key it was read from. */
export interface DivocCertificateIdCandidate {
  certificateId: string;
  /** `certificateId` (or `id` for the evidence-id fallback), or the colliding term that holds this value. */
  term: string;
}

/** At most this many candidates are taken from ambiguous terms (a DIVOC evidence entry has a handful). */
const MAX_CANDIDATES = 64;

function idValues(value: unknown, into: string[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.length > 0 && value.length <= MAX_ID_LENGTH) into.push(value);
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) into.push(String(value));
  } else if (Array.isArray(value) && depth < 2) {
    for (const item of value) idValues(item, into, depth + 1);
  } else if (isJsonObject(value) && depth < 2 && Object.hasOwn(value, '@value')) {
    idValues(value['@value'], into, depth + 1); // an explicit value object signs like the plain value
  }
}

/** `evidence.certificateId` as `divocCertificateId` reads it. */
function directCertificateId(evidence: unknown): string | undefined {
  if (!isJsonObject(evidence)) return undefined;
  const direct = evidence.certificateId;
  if (typeof direct === 'string' && direct.length > 0 && direct.length <= MAX_ID_LENGTH) return direct;
  if (typeof direct === 'number' && Number.isSafeInteger(direct) && direct >= 0) return String(direct);
  return undefined;
}

/**
 * Every value that may be the certificate id of a DIVOC credential. The first is `divocCertificateId(credential)`
 * (when there is one); after it, the values of every term that the signature does not tell apart from
 * `evidence[0].certificateId`: all terms of each `ambiguousTerms` group (`verifyCredential`'s
 * `result.ambiguousTerms`, or `findAmbiguousTerms` of `@divoc/vc`) at the evidence entry that includes a
 * `certificateId` term. With DIVOC's contexts those are `batch`, `vaccine`, `manufacturer` (and `icd11Code`), all
 * `schema:id`: their values can be swapped with the certificate id after signing without breaking the signature, so
 * a revocation list must be checked against each of them. Without ambiguous groups it is `divocCertificateId` alone.
 * Duplicates are dropped; at most 64 values.
 */
export function divocCertificateIdCandidates(
  credential: unknown,
  ambiguousTerms: readonly AmbiguousTermGroup[] = [],
): DivocCertificateIdCandidate[] {
  const out: DivocCertificateIdCandidate[] = [];
  const seen = new Set<string>();
  const add = (certificateId: string, term: string): void => {
    if (seen.has(certificateId) || out.length >= MAX_CANDIDATES) return;
    seen.add(certificateId);
    out.push({ certificateId, term });
  };
  const primary = divocCertificateId(credential);
  if (!isJsonObject(credential)) return out;
  const evidence = Array.isArray(credential.evidence) ? credential.evidence[0] : credential.evidence;
  if (primary !== undefined) add(primary, directCertificateId(evidence) === primary ? 'certificateId' : 'id');
  if (!Array.isArray(ambiguousTerms)) return out;
  const evidencePath = Array.isArray(credential.evidence) ? 'evidence[0]' : 'evidence';
  for (const group of ambiguousTerms) {
    if (!isJsonObject(group) || group.path !== evidencePath || !Array.isArray(group.terms)) continue;
    const terms = group.terms.filter((t): t is string => typeof t === 'string');
    // The group is about the certificate id if one of its keys is `certificateId` (also under a `@nest` alias).
    if (!terms.some((t) => t === 'certificateId' || /[.\]]certificateId$/.test(t))) continue;
    for (const term of terms) {
      const values: string[] = [];
      idValues(readJsonPath(evidence, term), values);
      for (const value of values) add(value, term);
    }
  }
  return out;
}

/** Options of `checkDivocRevocation`. */
export interface CheckDivocRevocationOptions {
  /**
   * `result.ambiguousTerms` of `verifyCredential` (`@divoc/vc`) for this credential. When given, the list is checked
   * against every candidate of `divocCertificateIdCandidates`, not only `evidence[0].certificateId`: with DIVOC's
   * contexts a revoked certificate whose `certificateId` was swapped with its `batch` still verifies, and is still
   * found revoked here.
   */
  ambiguousTerms?: readonly AmbiguousTermGroup[];
}

/**
 * The `revocation` check of a DIVOC credential against a DIVOC revocation list. Never throws. With
 * `options.ambiguousTerms`, every value that may be the certificate id is checked (see `divocCertificateIdCandidates`);
 * the credential is revoked when any of them is.
 */
export function checkDivocRevocation(
  credential: unknown,
  list: DivocRevocationList,
  options: CheckDivocRevocationOptions = {},
): Check {
  let data: unknown = credential;
  if (typeof credential === 'string') {
    try {
      data = readJson(credential, 2 * 1024 * 1024, (m) => new Error(m));
    } catch (error) {
      return failed('ERR_STATUS_ID_MISSING', `credential is not JSON: ${(error as Error).message}`);
    }
  }
  const certificateId = divocCertificateId(data);
  if (certificateId === undefined)
    return failed('ERR_STATUS_ID_MISSING', 'credential carries no DIVOC certificate id (evidence[0].certificateId)');
  const candidates = divocCertificateIdCandidates(data, options?.ambiguousTerms ?? []);
  for (const candidate of candidates) {
    let found: DivocRevocation | undefined;
    try {
      found = findDivocRevocation(list, candidate.certificateId);
    } catch (error) {
      return failed('ERR_STATUS_LIST_INVALID', (error as Error).message);
    }
    if (!found) continue;
    const id = candidate.certificateId;
    // A value of a colliding term: say where it is, since the signature cannot tell it from the certificate id.
    const where =
      id === certificateId
        ? ''
        : ` (the value of ${candidate.term}, ` +
          `which the signature does not tell apart from certificateId ${JSON.stringify(certificateId)})`;
    if (found.kind === 'replaced')
      return failed('ERR_STATUS_REVOKED', `certificate ${id}${where} was replaced by ${found.replacedBy}`);
    const details = [
      found.revokedAt ? `on ${found.revokedAt}` : '',
      found.reason ? `(${found.reason.slice(0, 200)})` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return failed('ERR_STATUS_REVOKED', `certificate ${id}${where} is revoked${details ? ` ${details}` : ''}`);
  }
  const others = [...new Set(candidates.filter((c) => c.certificateId !== certificateId).map((c) => c.term))];
  return passed(
    `certificate ${certificateId} is not revoked` +
      (others.length > 0
        ? ` (nor is any value of ${others.join(', ')}, which the signature does not tell apart from certificateId)`
        : ''),
  );
}
