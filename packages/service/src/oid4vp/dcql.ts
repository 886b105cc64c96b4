import { COVID19_DISEASE, type DdccCoreDataSet } from '@divoc/schemas';
import { SD_JWT_VC_TYPES_BY_KIND } from '@divoc/sd-jwt';
import { badRequest } from '../lib/errors.js';

/** The credential formats the service verifies in presentations. */
export const PRESENTATION_FORMATS = ['dc+sd-jwt', 'ldp_vc'] as const;
/** A format the service verifies in presentations. */
export type PresentationFormat = (typeof PRESENTATION_FORMATS)[number];

/**
 * The expanded type IRI of a DIVOC vaccination credential (`ProofOfVaccinationCredential` under the SDK context the
 * service issues with): what the `vaccination` shorthand asks for in an `ldp_vc` query's `meta.type_values`.
 */
export const VACCINATION_TYPE_IRI = 'https://divoc.dev/credentials/sdk/v2#ProofOfVaccinationCredential';

/** Id of the `vaccination` shorthand's ldp_vc credential query when SD-JWT VC is asked for too. */
export const VACCINATION_LDP_QUERY_ID = 'vaccination_ldp_vc';

/** Whether the vaccination constraints (disease, date after) apply to a credential query. */
export const isVaccinationQuery = (id: string): boolean => id === 'vaccination' || id === VACCINATION_LDP_QUERY_ID;

/** A DCQL claims query: a path into the credential's claims, optionally with the values it must have. */
interface ClaimQuery {
  id?: string;
  path: Array<string | number | null>;
  values?: Array<string | number | boolean>;
}

/** A DCQL credential query, as far as the service reads it. */
export interface CredentialQuery {
  id: string;
  format: string;
  multiple?: boolean;
  /** `vct_values` for `dc+sd-jwt`; `type_values` (sets of expanded type IRIs, any set matches) for `ldp_vc`. */
  meta?: { vct_values?: string[]; type_values?: string[][] };
  claims?: ClaimQuery[];
  claim_sets?: string[][];
}

/** A DCQL query (OpenID4VP 1.0 § 6). */
export interface DcqlQuery {
  credentials: CredentialQuery[];
  credential_sets?: Array<{ options: string[][]; required?: boolean }>;
}

/** What the `vaccination` shorthand asks for: a vaccination against a disease, given on or after a date. */
export interface VaccinationConstraint {
  /** ICD-11 or SNOMED CT code, or name, of the target disease. */
  disease?: string;
  /** ISO date (`YYYY-MM-DD`): the vaccination must be later than it. */
  after?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The DCQL query of the `vaccination` shorthand: one SD-JWT VC of our vaccination `vct`, disclosing the target disease
 * and the vaccination date (the constraints on them are checked by the service, since DCQL matches exact values only)
 * and the holder's name, so the verifier can match the person.
 */
export function vaccinationQuery(formats: readonly PresentationFormat[] = ['dc+sd-jwt']): DcqlQuery {
  const sdJwt: CredentialQuery = {
    id: 'vaccination',
    format: 'dc+sd-jwt',
    meta: { vct_values: [SD_JWT_VC_TYPES_BY_KIND.vaccination] },
    claims: [
      { id: 'disease', path: ['target_disease'] },
      { id: 'date', path: ['vaccination_date'] },
      { id: 'name', path: ['name'] },
    ],
  };
  // A W3C VC has no selective disclosure: the whole credential is presented, the query names what is read.
  const ldp = (id: string): CredentialQuery => ({
    id,
    format: 'ldp_vc',
    meta: { type_values: [[VACCINATION_TYPE_IRI]] },
    claims: [
      { id: 'name', path: ['credentialSubject', 'name'] },
      { id: 'date', path: ['evidence', null, 'date'] },
    ],
  });
  const both = formats.includes('dc+sd-jwt') && formats.includes('ldp_vc');
  if (!both) return { credentials: [formats.includes('ldp_vc') ? ldp('vaccination') : sdJwt] };
  // Either format will do: one credential set with an option per format.
  return {
    credentials: [sdJwt, ldp(VACCINATION_LDP_QUERY_ID)],
    credential_sets: [{ options: [['vaccination'], [VACCINATION_LDP_QUERY_ID]] }],
  };
}

/** Checks a DCQL query's shape and that every credential it asks for is of a format the service verifies. */
export function checkDcqlQuery(value: unknown): DcqlQuery {
  const fail = (message: string) => badRequest(`dcql: ${message}`, [{ path: '/dcql', message }]);
  if (!isObject(value) || !Array.isArray(value.credentials) || value.credentials.length === 0)
    throw fail('must be { credentials: [ ... ] } with at least one credential query');
  if (value.credentials.length > 10) throw fail('at most 10 credential queries');
  const ids = new Set<string>();
  for (const c of value.credentials as unknown[]) {
    if (!isObject(c) || typeof c.id !== 'string' || !ID.test(c.id)) throw fail('every credential query needs an id');
    if (ids.has(c.id)) throw fail(`credential query id ${c.id} is repeated`);
    ids.add(c.id);
    if (!(PRESENTATION_FORMATS as readonly unknown[]).includes(c.format))
      throw fail(`format of ${c.id} must be one of ${PRESENTATION_FORMATS.join(', ')}`);
    if (c.multiple !== undefined && typeof c.multiple !== 'boolean') throw fail(`${c.id}.multiple must be a boolean`);
    if (c.meta !== undefined && c.format === 'ldp_vc') {
      const types = (c.meta as { type_values?: unknown }).type_values;
      const ok =
        isObject(c.meta) &&
        Array.isArray(types) &&
        types.length > 0 &&
        types.length <= 16 &&
        types.every(
          (set) =>
            Array.isArray(set) &&
            set.length > 0 &&
            set.length <= 16 &&
            set.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 2048),
        );
      if (!ok) throw fail(`${c.id}.meta must be { type_values: [[string, ...], ...] }`);
    } else if (c.meta !== undefined) {
      const vct = (c.meta as { vct_values?: unknown }).vct_values;
      if (!isObject(c.meta) || !Array.isArray(vct) || vct.length === 0 || vct.some((v) => typeof v !== 'string'))
        throw fail(`${c.id}.meta must be { vct_values: [string, ...] }`);
    }
    if (c.claims !== undefined) {
      if (!Array.isArray(c.claims) || c.claims.length === 0 || c.claims.length > 64)
        throw fail(`${c.id}.claims must list 1-64 claims queries`);
      for (const q of c.claims as unknown[]) {
        const ok =
          isObject(q) &&
          Array.isArray(q.path) &&
          q.path.length > 0 &&
          q.path.length <= 16 &&
          q.path.every((p) => typeof p === 'string' || p === null || (Number.isInteger(p) && (p as number) >= 0)) &&
          (q.values === undefined ||
            (Array.isArray(q.values) && q.values.every((v) => ['string', 'number', 'boolean'].includes(typeof v)))) &&
          (q.id === undefined || (typeof q.id === 'string' && ID.test(q.id)));
        if (!ok) throw fail(`${c.id}.claims: each is { id?, path: [string | integer | null, ...], values? }`);
      }
    }
    if (c.claim_sets !== undefined) {
      const claimIds = new Set(((c.claims ?? []) as ClaimQuery[]).map((q) => q.id));
      const ok =
        Array.isArray(c.claim_sets) &&
        c.claim_sets.length > 0 &&
        c.claim_sets.every((s) => Array.isArray(s) && s.every((id) => typeof id === 'string' && claimIds.has(id)));
      if (!ok) throw fail(`${c.id}.claim_sets must list sets of ids of its claims queries`);
    }
  }
  if (value.credential_sets !== undefined) {
    const ok =
      Array.isArray(value.credential_sets) &&
      value.credential_sets.every(
        (s) =>
          isObject(s) &&
          (s.required === undefined || typeof s.required === 'boolean') &&
          Array.isArray(s.options) &&
          s.options.length > 0 &&
          s.options.every((o) => Array.isArray(o) && o.every((id) => typeof id === 'string' && ids.has(id))),
      );
    if (!ok) throw fail('credential_sets must be [{ options: [[credential query id, ...]], required? }]');
  }
  return value as unknown as DcqlQuery;
}

/** The values a DCQL path selects in a claims object (`null` selects every element of an array). */
function select(claims: unknown, path: ClaimQuery['path']): unknown[] {
  let current: unknown[] = [claims];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const node of current) {
      if (segment === null) {
        if (Array.isArray(node)) next.push(...node);
      } else if (typeof segment === 'number') {
        if (Array.isArray(node) && segment < node.length) next.push(node[segment]);
      } else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, segment)) {
        next.push(node[segment]);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

/**
 * Why a presented credential does not satisfy its credential query (its type, or a claim it asks for that was not
 * disclosed or has another value), or undefined when it does.
 */
export function unmetByCredential(
  query: CredentialQuery,
  claims: Record<string, unknown>,
  types?: ReadonlySet<string>,
): string | undefined {
  const vct = query.meta?.vct_values;
  if (vct !== undefined && !vct.includes(String(claims.vct)))
    return `${query.id}: vct ${String(claims.vct)} is not one the query asks for`;
  const typeValues = query.meta?.type_values;
  if (typeValues !== undefined && !typeValues.some((set) => set.every((t) => types?.has(t) === true)))
    return `${query.id}: the credential is not of a type the query asks for`;
  const claimQueries = query.claims ?? [];
  const unmet = (q: ClaimQuery): string | undefined => {
    const found = select(claims, q.path);
    const where = q.path.map((p) => (p === null ? '*' : String(p))).join('.');
    if (found.length === 0) return `${query.id}: claim ${where} was not disclosed`;
    if (q.values !== undefined && !found.some((v) => q.values!.includes(v as string | number | boolean)))
      return `${query.id}: claim ${where} has none of the values asked for`;
    return undefined;
  };
  if (query.claim_sets === undefined) {
    for (const q of claimQueries) {
      const problem = unmet(q);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  // claim_sets: the first set whose claims are all met satisfies the query.
  let first: string | undefined;
  for (const set of query.claim_sets) {
    const problem = set.map((id) => unmet(claimQueries.find((q) => q.id === id)!)).find((p) => p !== undefined);
    if (problem === undefined) return undefined;
    first ??= problem;
  }
  return first;
}

/** Why the answered credential query ids do not satisfy the query's credential sets, or undefined. */
export function unmetCredentialSets(query: DcqlQuery, answered: ReadonlySet<string>): string | undefined {
  if (query.credential_sets === undefined) {
    const missing = query.credentials.find((c) => !answered.has(c.id));
    return missing === undefined ? undefined : `no presentation for credential query ${missing.id}`;
  }
  for (const set of query.credential_sets) {
    if (set.required === false) continue;
    if (!set.options.some((option) => option.every((id) => answered.has(id))))
      return `no option of a required credential set is answered (${set.options.map((o) => o.join('+')).join(' | ')})`;
  }
  return undefined;
}

/** Lower case, no spaces or dashes: `COVID-19`, `covid 19` and `Covid19` compare equal. */
const loose = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

/** The ways the requested disease may be written that all mean COVID-19 (name, ICD-11, SNOMED CT). */
const COVID_NAMES = new Set(
  ['covid19', 'sarscov2', COVID19_DISEASE.icd11, COVID19_DISEASE.snomed, loose(COVID19_DISEASE.display)].map(loose),
);

/**
 * The claims the vaccination constraints read, from a W3C VC through the DDCC core data set (so every template that
 * reader knows works): `target_disease` (a coding) and `vaccination_date`, as the SD-JWT VC names them; empty for a
 * credential that is no vaccination.
 */
export function vaccinationClaimsOf(ddcc: DdccCoreDataSet): Record<string, unknown> {
  if (ddcc.kind !== 'vaccination') return {};
  const { disease, date } = ddcc.vaccination;
  return {
    name: ddcc.person.name.text,
    target_disease: {
      system: disease.system,
      code: disease.code,
      ...(disease.display ? { display: disease.display } : {}),
    },
    vaccination_date: date,
  };
}

/** Whether a disclosed `target_disease` coding is the disease asked for (by code, SNOMED CT code or name). */
function diseaseMatches(asked: string, coding: unknown): boolean {
  if (!isObject(coding)) return false;
  const wanted = loose(asked);
  const names = [coding.code, coding.display].filter((v): v is string => typeof v === 'string').map(loose);
  if (names.includes(wanted)) return true;
  // COVID-19 is coded as ICD-11 RA01 (or a child, RA01.0); asking by its SNOMED CT code or name means the same.
  const isCovid = names.some((n) => COVID_NAMES.has(n) || /^ra01(\.\d)?$/.test(n));
  return isCovid && (COVID_NAMES.has(wanted) || /^ra01(\.\d)?$/.test(wanted));
}

/** Why the disclosed claims do not meet the vaccination constraint (disease, date after), or undefined. */
export function unmetVaccination(
  constraint: VaccinationConstraint,
  claims: Record<string, unknown>,
): string | undefined {
  if (constraint.disease !== undefined && !diseaseMatches(constraint.disease, claims.target_disease))
    return `the vaccination is not against ${constraint.disease}`;
  if (constraint.after !== undefined) {
    const date = claims.vaccination_date;
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) return 'the vaccination date was not disclosed';
    if (Date.parse(date.slice(0, 10)) <= Date.parse(constraint.after.slice(0, 10)))
      return `the vaccination (${date.slice(0, 10)}) is not after ${constraint.after.slice(0, 10)}`;
  }
  return undefined;
}
