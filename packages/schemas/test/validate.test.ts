import { describe, expect, it } from 'vitest';
import {
  buildCredential,
  CONTEXT_URLS,
  defaultRegistry,
  validateCredential,
  validateCredentialAsync,
  type ValidationIssue,
} from '@divoc/schemas';
import { recoveryRecord } from './fixtures.js';
import { listVectors, readVector } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const clone = <T>(v: T): T => structuredClone(v);
const signedFiles = listVectors('divoc/signed/');
const base = (): Record<string, Json> => readVector('divoc/signed/rsa2018-divocdev-valid.json');

function paths(issues: ValidationIssue[]): string[] {
  return issues.map((i) => i.path);
}

/** JSONPath-ish steps for walking a value. */
type Step = string | number;
function leafPaths(value: Json, at: Step[] = []): Step[][] {
  if (value !== null && typeof value === 'object') {
    const entries: Array<[Step, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return entries.flatMap(([k, v]) => leafPaths(v, [...at, k]));
  }
  return [at];
}
function toJsonPath(steps: Step[]): string {
  return steps.reduce<string>(
    (p, s) => (typeof s === 'number' ? `${p}[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${p}.${s}` : `${p}['${s}']`),
    '$',
  );
}
function setAt(root: Json, steps: Step[], value: Json | undefined): void {
  let node = root as Record<Step, Json>;
  for (const s of steps.slice(0, -1)) node = node[s] as Record<Step, Json>;
  const last = steps[steps.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('real DIVOC credentials', () => {
  it.each(signedFiles)('%s validates', (file) => {
    const result = validateCredential(readVector(file));
    expect(result.issues).toEqual([]);
    expect(result.valid).toBe(true);
  });
});

describe('single-field mutations report the right path', () => {
  // Leaves whose schema is not about their own value: proof internals are the verifier's business.
  const leaves = leafPaths(base()).filter((p) => p[0] !== 'proof' || p[1] === 'type');

  // Where a broken leaf is reported, when not at the leaf itself.
  const expectedPath = (steps: Step[]): string => {
    if (steps[0] === '@context' && steps[1] !== 0) return "$['@context']";
    if (steps[0] === 'issuer') return '$.issuer.id';
    // Without its credential type the credential matches no schema: one issue at $.type.
    if (steps[0] === 'type' && steps[1] === 1) return '$.type';
    return toJsonPath(steps);
  };

  it.each(leaves.map((p) => [toJsonPath(p), p] as const))('%s: wrong type', (_name, steps) => {
    const c = base();
    setAt(c, steps, { bogus: true });
    const r = validateCredential(c);
    expect(r.valid).toBe(false);
    expect(paths(r.issues)).toContain(expectedPath(steps));
  });

  it.each(leaves.map((p) => [toJsonPath(p), p] as const))('%s: null', (_name, steps) => {
    const c = base();
    setAt(c, steps, null);
    const r = validateCredential(c);
    expect(r.valid).toBe(false);
    const want = steps[0] === 'issuer' ? '$.issuer' : expectedPath(steps);
    expect(paths(r.issues)).toContain(want);
  });

  it.each(leaves.filter((p) => typeof p[p.length - 1] === 'string').map((p) => [toJsonPath(p), p] as const))(
    '%s: 1 MB string',
    (_name, steps) => {
      const c = base();
      setAt(c, steps, 'x'.repeat(1_000_000));
      const r = validateCredential(c);
      expect(r.valid).toBe(false);
      expect(paths(r.issues)).toContain(steps[0] === 'issuer' ? '$.issuer' : expectedPath(steps));
    },
  );

  const required: Array<[string, Step[]]> = [
    ['$.issuer', ['issuer']],
    ['$.issuanceDate', ['issuanceDate']],
    ['$.credentialSubject', ['credentialSubject']],
    ['$.credentialSubject.name', ['credentialSubject', 'name']],
    ['$.credentialSubject.type', ['credentialSubject', 'type']],
    ['$.evidence', ['evidence']],
    ['$.evidence[0].type', ['evidence', 0, 'type']],
    ['$.evidence[0].vaccine', ['evidence', 0, 'vaccine']],
    ['$.evidence[0].date', ['evidence', 0, 'date']],
    ["$['@context']", ['@context']],
  ];
  it.each(required)('deleting %s reports it as required', (path, steps) => {
    const c = base();
    setAt(c, steps, undefined);
    const r = validateCredential(c);
    expect(r.issues).toContainEqual(expect.objectContaining({ path, keyword: 'required' }));
  });

  it.each([
    ['$.evidence[0].date', ['evidence', 0, 'date'], '2021-02-30', 'format'],
    ['$.evidence[0].effectiveUntil', ['evidence', 0, 'effectiveUntil'], 'soon', 'format'],
    ['$.evidence[0].dose', ['evidence', 0, 'dose'], 0, 'minimum'],
    ['$.evidence[0].dose', ['evidence', 0, 'dose'], 'two', 'pattern'],
    ['$.evidence[0].totalDoses', ['evidence', 0, 'totalDoses'], 1.5, 'type'],
    ['$.credentialSubject.age', ['credentialSubject', 'age'], '-3', 'pattern'],
    ['$.credentialSubject.age', ['credentialSubject', 'age'], 151, 'maximum'],
    ['$.credentialSubject.type', ['credentialSubject', 'type'], 'Organization', 'const'],
    ['$.evidence[0].type', ['evidence', 0, 'type'], ['Test'], 'contains'],
    ['$.issuanceDate', ['issuanceDate'], '2021-08-28', 'format'],
    ['$.credentialSubject.id', ['credentialSubject', 'id'], 'not a uri', 'pattern'],
    ['$.nonTransferable', ['nonTransferable'], 'yes', 'enum'],
    ["$['@context'][0]", ['@context', 0], 'https://example.com/v1', 'enum'],
    ['$.evidence', ['evidence'], [], 'minItems'],
  ] as Array<[string, Step[], Json, string]>)('%s = %j reports %s', (path, steps, value, keyword) => {
    const c = base();
    setAt(c, steps, value);
    const r = validateCredential(c);
    expect(r.issues).toContainEqual(expect.objectContaining({ path, keyword }));
  });

  it('an extra property (undefined in the JSON-LD context) is reported where it is', () => {
    const c = base();
    (c.evidence as Array<Record<string, Json>>)[0]!.lotNumber = 'x';
    (c.credentialSubject as Record<string, Json>).email = 'a@b.c';
    const r = validateCredential(c);
    expect(paths(r.issues)).toEqual(expect.arrayContaining(['$.evidence[0].lotNumber', '$.credentialSubject.email']));
  });

  it('reports every problem at once', () => {
    const c = base();
    const ev = (c.evidence as Array<Record<string, Json>>)[0]!;
    ev.batch = 5;
    ev.date = 'yesterday';
    delete ev.vaccine;
    (c.credentialSubject as Record<string, Json>).name = '';
    c.issuanceDate = 'now';
    const r = validateCredential(c);
    expect(paths(r.issues).sort()).toEqual(
      [
        '$.credentialSubject.name',
        '$.evidence[0].batch',
        '$.evidence[0].date',
        '$.evidence[0].vaccine',
        '$.issuanceDate',
      ].sort(),
    );
  });

  it('a cross-field rule: dose may not exceed totalDoses', () => {
    const c = base();
    Object.assign((c.evidence as Array<Record<string, Json>>)[0]!, { dose: 3, totalDoses: 2 });
    expect(validateCredential(c).issues).toEqual([
      expect.objectContaining({ path: '$.evidence[0].dose', keyword: 'maximum' }),
    ]);
  });

  it('an unknown context is reported at its index', () => {
    const c = base();
    (c['@context'] as Json[]).push('https://example.com/unknown/v1');
    expect(validateCredential(c).issues).toEqual([
      expect.objectContaining({ path: "$['@context'][2]", keyword: 'knownContext' }),
    ]);
  });
});

describe('VC 1.1 vs 2.0', () => {
  it('VC 2.0 form (validFrom, context v2) validates', () => {
    const c = base();
    c['@context'] = [CONTEXT_URLS.CREDENTIALS_V2, CONTEXT_URLS.DIVOC_VACCINATION_V1];
    c.validFrom = c.issuanceDate!;
    c.validUntil = '2031-01-01T00:00:00Z';
    delete c.issuanceDate;
    delete c.proof;
    expect(validateCredential(c).issues).toEqual([]);
  });

  it('VC 2.0 forbids issuanceDate/expirationDate; VC 1.1 forbids validFrom/validUntil and needs issuanceDate', () => {
    const v2 = base();
    v2['@context'] = [CONTEXT_URLS.CREDENTIALS_V2, CONTEXT_URLS.DIVOC_VACCINATION_V1];
    v2.expirationDate = '2031-01-01T00:00:00Z';
    expect(validateCredential(v2).issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.issuanceDate', keyword: 'notAllowed' }),
        expect.objectContaining({ path: '$.expirationDate', keyword: 'notAllowed' }),
      ]),
    );
    const v1 = base();
    v1.validFrom = v1.issuanceDate!;
    delete v1.issuanceDate;
    expect(validateCredential(v1).issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.validFrom', keyword: 'notAllowed' }),
        expect.objectContaining({ path: '$.issuanceDate', keyword: 'required' }),
      ]),
    );
  });
});

describe('type selection', () => {
  it('unknown type gives one issue at $.type', () => {
    const c = base();
    c.type = ['VerifiableCredential', 'ProofOfSomethingElse'];
    const r = validateCredential(c);
    expect(r.valid).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ path: '$.type', keyword: 'credentialType' });
  });

  it('missing type gives one issue at $.type', () => {
    const c = base();
    delete c.type;
    expect(validateCredential(c).issues).toEqual([expect.objectContaining({ path: '$.type', keyword: 'required' })]);
  });

  it('the v2 context selects the DDCC schema (dob, icd11Code... required)', () => {
    const c = base();
    c['@context'] = [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.COWIN_VACCINATION_V2];
    const r = validateCredential(c);
    expect(paths(r.issues)).toEqual(
      expect.arrayContaining(['$.credentialSubject.dob', '$.evidence[0].icd11Code', '$.evidence[0].dose']),
    );
  });
});

describe("the SDK v2 context (the templates' default)", () => {
  const sdk = (c: Record<string, Json>): Record<string, Json> => ({
    ...c,
    '@context': [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_SDK_V2],
  });

  it('a DIVOC v1-shaped certificate on the SDK v2 context validates as `vaccination`', () => {
    const c = sdk(base());
    expect(defaultRegistry.resolve(c)?.name).toBe('vaccination');
    expect(validateCredential(c).issues).toEqual([]);
  });

  it('dob or icd11Code selects the DDCC schema (`vaccination-v2`), as the v2 context does', () => {
    const withDob = sdk(base());
    (withDob.credentialSubject as Record<string, Json>).dob = '1994-09-01';
    expect(defaultRegistry.resolve(withDob)?.name).toBe('vaccination-v2');
    expect(paths(validateCredential(withDob).issues)).toEqual(expect.arrayContaining(['$.evidence[0].icd11Code']));
    const withCode = sdk(base());
    ((withCode.evidence as Json[])[0] as Record<string, Json>).icd11Code = 'XM9QW8';
    expect(defaultRegistry.resolve(withCode)?.name).toBe('vaccination-v2');
    expect(paths(validateCredential(withCode).issues)).toEqual(expect.arrayContaining(['$.credentialSubject.dob']));
  });

  it(
    'recovery: the SDK v2 context alone, or (legacy) vaccination v2 with the SDK v1 context; not half of the ' +
      'legacy pair',
    () => {
      const recovery = buildCredential('recovery', recoveryRecord, {
        issuer: 'https://divoc.dev/',
      }) as unknown as Record<string, Json>;
      expect(recovery['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_SDK_V2]);
      expect(validateCredential(recovery).issues).toEqual([]);
      const legacy = {
        ...recovery,
        '@context': [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_VACCINATION_V2, CONTEXT_URLS.DIVOC_SDK_V1],
      };
      expect(validateCredential(legacy).issues).toEqual([]);
      for (const half of [[CONTEXT_URLS.DIVOC_VACCINATION_V2], [CONTEXT_URLS.DIVOC_SDK_V1]]) {
        const r = validateCredential({ ...recovery, '@context': [CONTEXT_URLS.CREDENTIALS_V1, ...half] });
        expect(r.valid).toBe(false);
        expect(paths(r.issues)).toContain("$['@context']");
      }
    },
  );
});

describe('hostile input gives issues, not crashes', () => {
  const hostile: unknown[] = [
    null,
    undefined,
    42,
    'credential',
    [],
    [base()],
    true,
    new Date(),
    { type: 42 },
    { type: null },
    { type: [null, {}, 5] },
    { type: 'ProofOfVaccinationCredential' },
    { type: ['VerifiableCredential', 'ProofOfVaccinationCredential'] },
    {
      type: ['VerifiableCredential', 'ProofOfVaccinationCredential'],
      '@context': 'https://www.w3.org/2018/credentials/v1',
    },
    { type: ['VerifiableCredential', 'ProofOfVaccinationCredential'], evidence: 'x', credentialSubject: [] },
    { type: ['VerifiableCredential', 'ProofOfVaccinationCredential'], evidence: new Array(10_000).fill({}) },
    JSON.parse('{"__proto__":{"polluted":true},"type":["VerifiableCredential","ProofOfVaccinationCredential"]}'),
    Object.create(null),
  ];
  it.each(hostile.map((h, i) => [i, h] as const))('#%i', (_i, input) => {
    const r = validateCredential(input);
    expect(r.valid).toBe(false);
    expect(r.issues.length).toBeGreaterThan(0);
    for (const issue of r.issues) {
      expect(issue.path.startsWith('$')).toBe(true);
      expect(typeof issue.message).toBe('string');
      expect(typeof issue.keyword).toBe('string');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('__proto__ keys inside the credential are reported as extra properties', () => {
    const c = base();
    const json = JSON.stringify(c).replace('"name":"Bhaya Mitra"', '"name":"Bhaya Mitra","__proto__":{"admin":true}');
    const r = validateCredential(JSON.parse(json));
    expect(r.issues).toContainEqual(
      expect.objectContaining({ path: '$.credentialSubject.__proto__', keyword: 'additionalProperties' }),
    );
  });

  it('deeply nested junk in an open slot does not blow the stack', () => {
    let deep: Json = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const c = base();
    c.credentialStatus = { deep };
    expect(() => validateCredential(c)).not.toThrow();
  });

  it('a 10 MB string is rejected quickly', () => {
    const c = base();
    (c.credentialSubject as Record<string, Json>).name = 'n'.repeat(10_000_000);
    const t = performance.now();
    const r = validateCredential(c);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.issues).toContainEqual(
      expect.objectContaining({ path: '$.credentialSubject.name', keyword: 'maxLength' }),
    );
  });
});

// The verifier validates through validateCredentialAsync, which loads its own copy of the precompiled validators (a
// dynamic import): it must report exactly what validateCredential reports, valid or not.
describe('validateCredentialAsync gives what validateCredential gives', () => {
  it.each(signedFiles)('%s: valid both ways', async (file) => {
    const credential = readVector(file);
    const result = await validateCredentialAsync(credential);
    expect(result).toEqual({ valid: true, issues: [] });
    expect(result).toEqual(validateCredential(credential));
  });

  it('a credential with several problems: the same issues, in the same order', async () => {
    const c = base();
    const ev = (c.evidence as Array<Record<string, Json>>)[0]!;
    ev.batch = 5;
    ev.date = 'yesterday';
    Object.assign(ev, { dose: 3, totalDoses: 2 });
    (c.credentialSubject as Record<string, Json>).name = '';
    (c['@context'] as Json[]).push('https://example.com/unknown-context');
    const sync = validateCredential(c);
    expect(sync.valid).toBe(false);
    expect(sync.issues.length).toBeGreaterThanOrEqual(4);
    expect(await validateCredentialAsync(c)).toEqual(sync);
  });

  it('the cross-field check runs on an otherwise valid credential, as it does synchronously', async () => {
    const c = base();
    Object.assign((c.evidence as Array<Record<string, Json>>)[0]!, { dose: 3, totalDoses: 2 });
    const sync = validateCredential(c);
    expect(sync.issues).toEqual([expect.objectContaining({ path: '$.evidence[0].dose', keyword: 'maximum' })]);
    expect(await validateCredentialAsync(c)).toEqual(sync);
  });

  it('no object, no type, an unknown type: the same single issue', async () => {
    const noType = base();
    delete noType.type;
    const unknownType = { ...base(), type: ['VerifiableCredential', 'NoSuchCredential'] };
    for (const input of [null, 'text', noType, unknownType]) {
      const sync = validateCredential(input);
      expect(sync.valid).toBe(false);
      expect(await validateCredentialAsync(input)).toEqual(sync);
    }
  });
});

void clone;
