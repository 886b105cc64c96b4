/**
 * Runs the EU dgc-testdata files (eu-digital-green-certificates/dgc-testdata) step by step. Each EXPECTED* flag
 * names one step; `runStep` says whether that step succeeded on the file's data, so a test compares it with the flag.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  base45Decode,
  decodeDcc,
  hc1ToCose,
  unprefixHc1,
  validateDccPayload,
  verifyDcc,
  type DccVerificationResult,
} from '../../src/index.js';
import { cborDecode, cborEncode } from '../../src/lib/cbor.js';
import { toJsonLike } from '../../src/cwt/claims.js';
import { zlibInflate } from '../../src/lib/zlib.js';
import { vectorPath } from '../../../../test/support/vectors.js';

/** `<repo>/test/vectors/dcc/dgc-testdata/` (see test/vectors/README.md); throws when it is missing. */
export const TESTDATA_DIR = vectorPath('dcc/dgc-testdata/');

export const FLAGS = [
  'EXPECTEDUNPREFIX',
  'EXPECTEDB45DECODE',
  'EXPECTEDCOMPRESSION',
  'EXPECTEDDECODE',
  'EXPECTEDVALIDJSON',
  'EXPECTEDSCHEMAVALIDATION',
  'EXPECTEDVERIFY',
  'EXPECTEDEXPIRATIONCHECK',
  'EXPECTEDKEYUSAGE',
  'EXPECTEDVALIDOBJECT',
  'EXPECTEDENCODE',
  'EXPECTEDPICTUREDECODE',
] as const;
export type Flag = (typeof FLAGS)[number];

/** The picture step (PNG → QR text) belongs to @divoc/qr; no case is generated for it here. */
export const DELEGATED_FLAGS: Partial<Record<Flag, string>> = { EXPECTEDPICTUREDECODE: 'covered by @divoc/qr' };

export interface RawTestFile {
  JSON?: unknown;
  CBOR?: string;
  COSE?: string;
  COMPRESSED?: string;
  BASE45?: string;
  PREFIX?: string;
  '2DCODE'?: string;
  TESTCTX?: { CERTIFICATE?: string; VALIDATIONCLOCK?: string; DESCRIPTION?: string; SCHEMA?: string };
  EXPECTEDRESULTS?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TestCase {
  /** Path relative to the testdata folder, e.g. `common/2DCode/raw/CO1.json`. */
  file: string;
  country: string;
  data: RawTestFile;
  expected: Partial<Record<Flag, boolean>>;
}

/**
 * Expected results, tolerating the spellings found upstream: `EXPTECTED*` for `EXPECTED*`, `EXPECTEDRESULTS` nested
 * in `EXPECTEDRESULTS`, flags at the top level. `EXP(T)ECTEDEXPIRED: true` means the expiration check must fail.
 */
export function expectedFlags(data: RawTestFile): Partial<Record<Flag, boolean>> {
  const out: Partial<Record<Flag, boolean>> = {};
  const visit = (obj: unknown): void => {
    if (obj === null || typeof obj !== 'object') return;
    for (const [rawKey, value] of Object.entries(obj)) {
      const key = rawKey.toUpperCase().replace(/^EXPTECTED/, 'EXPECTED');
      if (key === 'EXPECTEDRESULTS') {
        visit(value);
        continue;
      }
      if (typeof value !== 'boolean') continue;
      if (key === 'EXPECTEDEXPIRED') out.EXPECTEDEXPIRATIONCHECK = !value;
      else if ((FLAGS as readonly string[]).includes(key)) out[key as Flag] = value;
    }
  };
  visit(data.EXPECTEDRESULTS);
  visit(
    Object.fromEntries(
      Object.entries(data).filter(([k]) => /^EXP(T)?ECTED/i.test(k) && k.toUpperCase() !== 'EXPECTEDRESULTS'),
    ),
  );
  return out;
}

/**
 * ISO 8601 validation clocks as the testdata writes them: `Z`, `+02:00`, `+0200`, `+02`, or no offset (UTC),
 * 0 to 9 fraction digits (kept to the millisecond).
 */
export function parseValidationClock(text: string): Date {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      text.trim(),
    );
  if (!m) throw new Error(`unreadable VALIDATIONCLOCK ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s, ms);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    t -= sign * offset * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) throw new Error(`invalid VALIDATIONCLOCK ${JSON.stringify(text)}`);
  return date;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.json')) out.push(path);
  }
}

export function loadTestCases(root = TESTDATA_DIR): TestCase[] {
  const files: string[] = [];
  walk(root, files);
  return files.map((path) => {
    const data = JSON.parse(readFileSync(path, 'utf8')) as RawTestFile;
    const file = relative(root, path).split('\\').join('/');
    return { file, country: file.split('/')[0]!, data, expected: expectedFlags(data) };
  });
}

const hex = (s: string): Uint8Array => {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('field is not hex');
  return new Uint8Array(Buffer.from(s, 'hex'));
};
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

export interface StepOutcome {
  ok: boolean;
  detail: string;
}

/** COSE bytes for a file: its COSE field, else the decoded chain from PREFIX. */
function coseOf(data: RawTestFile): Uint8Array {
  if (typeof data.COSE === 'string' && data.COSE.length > 0) return hex(data.COSE);
  if (typeof data.PREFIX !== 'string') throw new Error('file has neither COSE nor PREFIX');
  return hc1ToCose(data.PREFIX);
}

/** The DCC the CBOR field holds: the DCC map itself, or a whole CWT claims map / COSE around it. */
function dccFromCborField(cbor: string): unknown {
  const item = cborDecode(hex(cbor));
  if (item instanceof Map && item.has(-260)) {
    const hcert = item.get(-260) as Map<number, unknown>;
    return toJsonLike(hcert.get(1));
  }
  return toJsonLike(item);
}

const verifications = new WeakMap<RawTestFile, Promise<DccVerificationResult>>();
function verifyOnce(data: RawTestFile): Promise<DccVerificationResult> {
  let pending = verifications.get(data);
  if (!pending) {
    const clock = data.TESTCTX?.VALIDATIONCLOCK;
    const certificate = data.TESTCTX?.CERTIFICATE;
    let input: Uint8Array | string;
    try {
      input = coseOf(data);
    } catch {
      input = data.PREFIX ?? '';
    }
    pending = verifyDcc(input, {
      ...(certificate ? { certificates: [certificate] } : {}),
      ...(clock ? { now: parseValidationClock(clock) } : {}),
    });
    verifications.set(data, pending);
  }
  return pending;
}

function checkDetail(result: DccVerificationResult, names: string[]): StepOutcome {
  const relevant = result.checks.filter((c) => names.includes(c.name));
  const bad = relevant.filter((c) => !c.ok);
  const missing = names.filter((n) => !relevant.some((c) => c.name === n));
  if (missing.length > 0)
    return {
      ok: false,
      detail:
        `not reached: ${missing.join(', ')} ` +
        `(${result.checks.map((c) => `${c.name}:${c.ok ? 'ok' : c.code}`).join(' ')})`,
    };
  return bad.length === 0
    ? { ok: true, detail: relevant.map((c) => `${c.name}:ok`).join(' ') }
    : { ok: false, detail: bad.map((c) => `${c.name}: ${c.code} ${c.message ?? ''}`).join('; ') };
}

/** Objects with the DCC's top-level shape (what EXPECTEDVALIDOBJECT asserts of the JSON field). */
function isDccObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const groups = ['v', 't', 'r'].filter((k) => Array.isArray(o[k]) && (o[k] as unknown[]).length > 0);
  return (
    typeof o.ver === 'string' &&
    o.nam !== null &&
    typeof o.nam === 'object' &&
    typeof o.dob === 'string' &&
    groups.length === 1
  );
}

/** Run the step a flag names on a file. Never throws: an exception is a failed step. */
export async function runStep(flag: Flag, data: RawTestFile): Promise<StepOutcome> {
  try {
    switch (flag) {
      case 'EXPECTEDUNPREFIX': {
        const body = unprefixHc1(String(data.PREFIX));
        if (typeof data.BASE45 === 'string' && body !== data.BASE45)
          return { ok: false, detail: 'unprefixed text differs from BASE45' };
        return { ok: true, detail: 'unprefixed' };
      }
      case 'EXPECTEDB45DECODE': {
        const bytes = base45Decode(typeof data.BASE45 === 'string' ? data.BASE45 : unprefixHc1(String(data.PREFIX)));
        if (typeof data.COMPRESSED === 'string' && !sameBytes(bytes, hex(data.COMPRESSED)))
          return { ok: false, detail: 'Base45 bytes differ from COMPRESSED' };
        return { ok: true, detail: `${bytes.length} bytes` };
      }
      case 'EXPECTEDCOMPRESSION': {
        const compressed =
          typeof data.COMPRESSED === 'string' ? hex(data.COMPRESSED) : base45Decode(unprefixHc1(String(data.PREFIX)));
        const cose = zlibInflate(compressed);
        if (typeof data.COSE === 'string' && !sameBytes(cose, hex(data.COSE)))
          return { ok: false, detail: 'inflated bytes differ from COSE' };
        return { ok: true, detail: `${cose.length} bytes inflated` };
      }
      case 'EXPECTEDDECODE': {
        const decoded = decodeDcc(coseOf(data));
        if (typeof data.CBOR === 'string' && !isDeepStrictEqual(decoded.payload, dccFromCborField(data.CBOR)))
          return { ok: false, detail: 'COSE payload differs from CBOR' };
        return { ok: true, detail: 'COSE/CWT decoded' };
      }
      case 'EXPECTEDVALIDJSON': {
        const decoded = decodeDcc(String(data.PREFIX));
        if (data.JSON !== undefined && !isDeepStrictEqual(decoded.payload, data.JSON))
          return { ok: false, detail: 'decoded DCC differs from JSON' };
        return { ok: true, detail: 'whole chain decoded' };
      }
      case 'EXPECTEDSCHEMAVALIDATION': {
        const payload =
          typeof data.CBOR === 'string'
            ? dccFromCborField(data.CBOR)
            : data.JSON !== undefined
              ? data.JSON
              : decodeDcc(String(data.PREFIX)).payload;
        const issues = validateDccPayload(payload, { valueSets: false });
        return issues.length === 0
          ? { ok: true, detail: 'schema 1.3.3 valid' }
          : { ok: false, detail: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
      }
      case 'EXPECTEDVERIFY':
        return checkDetail(await verifyOnce(data), ['decode', 'signature', 'trust']);
      case 'EXPECTEDEXPIRATIONCHECK':
        return checkDetail(await verifyOnce(data), ['decode', 'validity']);
      case 'EXPECTEDKEYUSAGE':
        return checkDetail(await verifyOnce(data), ['decode', 'key-usage']);
      case 'EXPECTEDVALIDOBJECT':
        return isDccObject(data.JSON)
          ? { ok: true, detail: 'JSON has the DCC shape' }
          : { ok: false, detail: 'JSON is not a DCC object' };
      case 'EXPECTEDENCODE': {
        if (data.JSON === undefined || typeof data.CBOR !== 'string')
          return { ok: false, detail: 'needs JSON and CBOR' };
        const ours = toJsonLike(cborDecode(cborEncode(data.JSON)));
        return isDeepStrictEqual(ours, dccFromCborField(data.CBOR))
          ? { ok: true, detail: 'our CBOR of JSON equals CBOR' }
          : { ok: false, detail: 'our CBOR of JSON differs from CBOR' };
      }
      case 'EXPECTEDPICTUREDECODE':
        return { ok: false, detail: 'covered by @divoc/qr' };
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, detail: `${e.code ?? 'Error'}: ${e.message ?? String(error)}` };
  }
}
