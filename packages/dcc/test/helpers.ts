import { createSigner, generateKeyPair, type Signer } from '@divoc/keys';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  type DevelopmentCsca,
  encodeDcc,
  type DocumentSignerCertificate,
} from '../src/index.js';
import { base45Encode } from '../src/base45/base45.js';
import { sigStructure } from '../src/cose/cose.js';
import { cborEncode, Tag } from '../src/lib/cbor.js';
import { zlibDeflate } from '../src/lib/zlib.js';

let pki:
  | Promise<{
      csca: DevelopmentCsca;
      dsc: DocumentSignerCertificate;
      testOnly: DocumentSignerCertificate;
      expired: DocumentSignerCertificate;
    }>
  | undefined;

/** One development CSCA and three DSCs, made once per test file. */
export function developmentPki() {
  pki ??= (async () => {
    const csca = await createDevelopmentCsca({ country: 'IN', commonName: 'DIVOC Test CSCA' });
    const dsc = await createDevelopmentSigner({ csca, types: ['v', 't', 'r'], validityDays: 365 });
    const testOnly = await createDevelopmentSigner({ csca, types: ['t'], validityDays: 365 });
    const expired = await createDevelopmentSigner({
      csca,
      types: ['v', 't', 'r'],
      validityDays: 1,
      validFrom: new Date('2020-01-01T00:00:00Z'),
    });
    return { csca, dsc, testOnly, expired };
  })();
  return pki;
}

export const SAMPLE_DCC = {
  ver: '1.3.0',
  nam: { fn: 'Mitra', fnt: 'MITRA', gn: 'Bhaya', gnt: 'BHAYA' },
  dob: '1990-01-15',
  v: [
    {
      tg: '840539006',
      vp: '29061000087103',
      mp: 'Covishield',
      ma: 'ORG-100001981',
      dn: 2,
      sd: 2,
      dt: '2021-07-12',
      co: 'IN',
      is: 'https://divoc.dev/',
      ci: 'URN:UVCI:01:IN:244768056',
    },
  ],
};

/** SAMPLE_DCC signed by `dsc` (issued 2021-07-15T00:00:00Z), as HC1 text. */
export async function sampleHc1(dsc: DocumentSignerCertificate): Promise<string> {
  return (
    await encodeDcc(SAMPLE_DCC, {
      signer: dsc.signer,
      certificate: dsc.certificatePem,
      iat: new Date('2021-07-15T00:00:00Z'),
    })
  ).hc1;
}

export interface CraftOptions {
  protectedHeader?: Map<number, unknown> | null;
  unprotectedHeader?: Map<number, unknown>;
  claims?: Map<number, unknown>;
  payloadBytes?: Uint8Array;
  signature?: Uint8Array | ((sig: Uint8Array) => Uint8Array);
  tag?: 'cose' | 'cwt' | 'none' | 'cwt-untagged';
}

export function claimsFor(
  payload: unknown,
  iat = 1_700_000_000,
  exp = 1_900_000_000,
  iss = 'IN',
): Map<number, unknown> {
  return new Map<number, unknown>([
    [1, iss],
    [6, iat],
    [4, exp],
    [-260, new Map([[1, payload]])],
  ]);
}

/** A hand-made COSE_Sign1 (for forged or malformed messages), signed by `signer` unless a signature is given. */
export async function craftCose(signer: Signer, kid: Uint8Array, options: CraftOptions = {}): Promise<Uint8Array> {
  const header =
    options.protectedHeader === null
      ? undefined
      : (options.protectedHeader ??
        new Map<number, unknown>([
          [1, -7],
          [4, kid],
        ]));
  const protectedBytes = header ? cborEncode(header) : new Uint8Array(0);
  const payloadBytes = options.payloadBytes ?? cborEncode(options.claims ?? claimsFor(SAMPLE_DCC));
  const real = await signer.sign(sigStructure(protectedBytes, payloadBytes));
  const signature = typeof options.signature === 'function' ? options.signature(real) : (options.signature ?? real);
  const array = [protectedBytes, options.unprotectedHeader ?? new Map(), payloadBytes, signature];
  switch (options.tag ?? 'cose') {
    case 'none':
      return cborEncode(array);
    case 'cwt':
      return cborEncode(new Tag(new Tag(array, 18), 61));
    case 'cwt-untagged':
      return cborEncode(new Tag(array, 61));
    default:
      return cborEncode(new Tag(array, 18));
  }
}

export function toHc1(cose: Uint8Array): string {
  return `HC1:${base45Encode(zlibDeflate(cose))}`;
}

export async function rsaSigner(): Promise<{ signer: Signer; keyPair: Awaited<ReturnType<typeof generateKeyPair>> }> {
  const keyPair = await generateKeyPair('RSA');
  return { signer: createSigner(keyPair, { id: 'rsa', algorithm: 'PS256' }), keyPair };
}

/** What `randomJson` draws from: integers, string characters and lengths, array and object sizes, object keys. */
export interface RandomJsonShape {
  integer: (next: () => number) => number;
  chars: string;
  /** A string is up to `longString` characters one time in ten, else up to `shortString`. */
  longString: number;
  shortString: number;
  arrayLength: number;
  objectSize: number;
  key: (next: () => number) => string;
}

/** Random JSON-like data (text, integers, floats, booleans, null, arrays, objects; nesting depth at most 4 or so). */
export function randomJson(next: () => number, shape: RandomJsonShape, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return shape.integer(next);
    case 1:
      return next() * 1e6 - 5e5;
    case 2: {
      const chars = Array.from(shape.chars);
      let s = '';
      for (let i = Math.floor(next() * (next() < 0.1 ? shape.longString : shape.shortString)); i > 0; i--)
        s += chars[Math.floor(next() * chars.length)];
      return s;
    }
    case 3:
      return next() < 0.5;
    case 4:
      return null;
    case 5:
      return Array.from({ length: Math.floor(next() * shape.arrayLength) }, () => randomJson(next, shape, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * shape.objectSize); i > 0; i--)
        out[shape.key(next)] = randomJson(next, shape, depth + 1);
      return out;
    }
  }
}
