/**
 * PixelPass QR data (`encodePixelPass` / `decodePixelPass` and the `pixelpass` format plugin) against the published
 * `@mosip/pixelpass` 0.6.0 (a dev dependency, loaded as the CommonJS module it ships): our encoding → their `decode`
 * gives the signed VC's JSON exactly; their `generateQRData` of a VC our SDK signed → our decoder → VALID through
 * `@divoc/verifier`. Then hostile input, each refusal next to a control that decodes.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CborMap,
  base45Encode,
  createSigner,
  deflateRaw,
  deflateZlib,
  didKeyFromKeyPair,
  encodeCborValue,
  generateKeyPair,
  toTrustListEntry,
  utf8Encode,
  verificationMethodId,
  type CborValue,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { encodeCompactCredential, issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import { Trust, verify } from '@divoc/verifier';
import { FORMATS } from '@divoc/formats';
import {
  PIXELPASS_MAX_TEXT,
  decodePixelPass,
  detectPixelPass,
  encodeDivocQr,
  encodePixelPass,
  isQrError,
  pixelpassFormat,
  type PixelPassJson,
} from '../src/index.js';
import { shortVaccinationRecord } from '../../../test/support/fixtures.js';

/** The CommonJS API of `@mosip/pixelpass` this test calls. */
interface MosipPixelPass {
  generateQRData(data: string, header?: string): string;
  decode(data: string): string;
}
const mosip = createRequire(import.meta.url)('@mosip/pixelpass') as MosipPixelPass;

/** The code of what `fn` throws (a QrError), or 'ok'. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!isQrError(error)) throw error;
    return error.code;
  }
}

/** PixelPass text of raw payload bytes (zlib, Base45), for crafted payloads. */
const pack = (bytes: Uint8Array): string => base45Encode(deflateZlib(bytes));
const packCbor = (value: CborValue): string => pack(encodeCborValue(value));
const nested = (levels: number): CborValue => {
  let value: CborValue = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

const now = new Date('2021-07-01T00:00:00Z');
let trust: Trust;
let credential: SignedCredential;

beforeAll(async () => {
  const key = await generateKeyPair('Ed25519');
  const signer = createSigner(key, { id: verificationMethodId(key) });
  const issuer = didKeyFromKeyPair(key);
  trust = new Trust();
  trust.add(JSON.stringify(toTrustListEntry(key, { id: signer.id, controller: issuer })));
  const unsigned = buildCredential('vaccination-v2', shortVaccinationRecord, {
    issuer,
    issuanceDate: '2021-05-03T12:00:00Z',
  }) as UnsignedCredential;
  credential = await issueCredential(unsigned, { signer, created: '2021-05-03T12:00:00Z' });
}, 60_000);

describe('PixelPass interop with @mosip/pixelpass 0.6.0', () => {
  it('reads their published test vectors (text and CBOR) as their decode() does', () => {
    expect(mosip.decode('NCFKVPV0QSIP600GP5L0')).toBe('hello');
    expect(decodePixelPass('NCFKVPV0QSIP600GP5L0')).toEqual({ kind: 'text', text: 'hello' });
    expect(mosip.decode('NCF3QBXJA5NJRCOC004 QN4')).toBe('{"temp":15}');
    expect(decodePixelPass('NCF3QBXJA5NJRCOC004 QN4')).toEqual({
      kind: 'cbor',
      data: { temp: 15 },
      text: '{"temp":15}',
    });
  });

  it("our encoding of a signed VC: their decode() gives that VC's JSON exactly", () => {
    const text = encodePixelPass(credential);
    expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(text.length).toBeLessThanOrEqual(PIXELPASS_MAX_TEXT);
    expect(mosip.decode(text)).toBe(JSON.stringify(credential));
    // JSON text is taken as PixelPass takes it: as JSON data, not as text.
    expect(mosip.decode(encodePixelPass(JSON.stringify(credential)))).toBe(JSON.stringify(credential));
    // Text that is not JSON is carried as text.
    expect(mosip.decode(encodePixelPass('hello, Inji'))).toBe('hello, Inji');
  });

  it('their generateQRData of a VC our SDK signed: our decoder reads it, and verify() finds it VALID', async () => {
    const theirs = mosip.generateQRData(JSON.stringify(credential));
    expect(decodePixelPass(theirs)).toEqual({
      kind: 'cbor',
      data: credential,
      text: JSON.stringify(credential),
    });
    const result = await verify(theirs, { trust, now });
    expect(result.format).toBe('pixelpass');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.credential).toEqual(credential);
    expect(result.summary).toMatchObject({ event: 'vaccination', dateOfBirth: shortVaccinationRecord.dob });
  });

  it('their encoding of the VC as text (not CBOR) is read too; our own encoding verifies VALID (control)', async () => {
    // generateQRData CBOR-encodes any JSON, so the text form is made as it would be by a writer that does not.
    const asText = pack(utf8Encode(JSON.stringify(credential)));
    expect(mosip.decode(asText)).toBe(JSON.stringify(credential));
    expect(decodePixelPass(asText).kind).toBe('text');
    const viaText = await verify(asText, { trust, now });
    expect([viaText.format, viaText.valid]).toEqual(['pixelpass', true]);
    const ours = await verify(encodePixelPass(credential), { trust, now });
    expect([ours.format, ours.valid]).toEqual(['pixelpass', true]);
  });

  it('round trips JSON values and text, ours both ways and against their decode()', () => {
    const values: PixelPassJson[] = [
      { a: 1, b: [true, false, null], c: { d: 'é中😀', e: -42, f: 0.1, g: 1e300, h: 2 ** 53 + 2 } },
      [1, 'two', { three: 3 }],
      'a string that is not JSON',
      -123456789,
      { '': '', ' ': [], z: {} },
    ];
    for (const value of values) {
      const text = encodePixelPass(value);
      const decoded = decodePixelPass(text);
      expect(decoded.text).toBe(mosip.decode(text));
      if (typeof value === 'string') expect(decoded).toEqual({ kind: 'text', text: value });
      else expect(decoded).toEqual({ kind: 'cbor', data: value, text: JSON.stringify(value) });
    }
  });
});

describe('the pixelpass format plugin', () => {
  it('detects PixelPass text only; never HC1:, DIVOC1:, shc:/, B64:, a DIVOC ZIP or JSON', () => {
    const ours = encodePixelPass(credential);
    const theirs = mosip.generateQRData(JSON.stringify(credential));
    for (const text of [ours, theirs, 'NCFKVPV0QSIP600GP5L0']) expect(detectPixelPass(text), text).toBe(true);
    const others = [
      encodeCompactCredential(credential),
      `HC1:${ours}`,
      'shc:/5676295953265460346029254077280433602870286471674522280928613331456237',
      'B64:UEsDBBQAAAAIAA==',
      encodeDivocQr(credential),
      JSON.stringify(credential),
      'hello',
      '',
      'nc fkvpv0qsip600gp5l0',
    ];
    for (const text of others) expect(detectPixelPass(text), text).toBe(false);
    // Through the registry: each format's own output goes to its own plugin, PixelPass to pixelpass.
    const textInput = (text: string) => ({ kind: 'text' as const, text, raw: text, maxItems: 16 });
    expect(FORMATS.detect(textInput(ours))?.plugin.name).toBe('pixelpass');
    expect(FORMATS.detect(textInput(encodeCompactCredential(credential)))?.plugin.name).toBe('vc-compact');
    expect(FORMATS.detect(textInput(encodeDivocQr(credential)))?.plugin.name).toBe('divoc-qr');
    expect(FORMATS.detect(textInput(others[1]!))?.plugin.name).toBe('dcc');
    expect(FORMATS.detect(textInput(others[2]!))?.plugin.name).toBe('shc');
    expect(pixelpassFormat.detect({ kind: 'bytes', bytes: utf8Encode(ours) })).toBeUndefined();
  });

  it('decodes to the credential, issues from the signed VC, writes a file their decode() reads as is', async () => {
    const issued = pixelpassFormat.issuance.issue({ signed: credential });
    const text = String(issued.output.text);
    expect(issued.qr).toBe(text);
    expect(await pixelpassFormat.decode(text)).toEqual({ payload: credential, header: { variant: 'cbor' } });
    const file = pixelpassFormat.files.main(issued.output);
    expect(file).toBe(text); // no line end: the file is the QR data
    expect(mosip.decode(file)).toBe(JSON.stringify(credential));
    expect(pixelpassFormat.files.qrText(`${file}\n`)).toBe(text);
    expect(pixelpassFormat.summarize(credential).event).toBe('vaccination');
  });

  it('a tampered VC inside is INVALID (control: the genuine one is VALID)', async () => {
    const genuine = await verify(encodePixelPass(credential), { trust, now });
    expect(genuine.valid).toBe(true);
    const subject = credential.credentialSubject as Record<string, unknown>;
    const tampered = { ...credential, credentialSubject: { ...subject, name: 'Someone Else' } };
    for (const text of [encodePixelPass(tampered), mosip.generateQRData(JSON.stringify(tampered))]) {
      const result = await verify(text, { trust, now });
      expect(result.format).toBe('pixelpass');
      expect(result.valid).toBe(false);
      expect(result.checks.find((c) => c.name === 'signature')?.ok).toBe(false);
    }
  });

  it('undecodable PixelPass text is INVALID with its decode code (control above: VALID)', async () => {
    const bomb = pack(new Uint8Array(1 << 20));
    const result = await verify(bomb, { trust, now });
    expect(result.format).toBe('pixelpass');
    expect(result.valid).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ name: 'decode', ok: false, code: 'ERR_PIXELPASS_BOMB' })]);
    const notObject = encodePixelPass([1, 2, 3]);
    expect(codeOf(() => decodePixelPass(notObject))).toBe('ok');
    await expect(pixelpassFormat.decode(notObject)).rejects.toMatchObject({ code: 'ERR_PIXELPASS_JSON_INVALID' });
    await expect(pixelpassFormat.decode(encodePixelPass('not json'))).rejects.toMatchObject({
      code: 'ERR_PIXELPASS_JSON_INVALID',
    });
  });
});

describe('hostile PixelPass input, each with a control', () => {
  it('truncated text or stream: ERR_PIXELPASS_MALFORMED', () => {
    const text = encodePixelPass(credential);
    expect(codeOf(() => decodePixelPass(text))).toBe('ok');
    expect(codeOf(() => decodePixelPass(text.slice(0, -3)))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass(text.slice(0, -1)))).toBe('ERR_PIXELPASS_MALFORMED'); // a length of 1 mod 3
    expect(codeOf(() => decodePixelPass(text.slice(0, 12)))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass(''))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass(42 as unknown as string))).toBe('ERR_PIXELPASS_MALFORMED');
  });

  it('non-Base45 text, and Base45 that is not zlib: ERR_PIXELPASS_MALFORMED', () => {
    const text = encodePixelPass({ a: 1 });
    expect(codeOf(() => decodePixelPass(text))).toBe('ok');
    expect(codeOf(() => decodePixelPass(text.toLowerCase()))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass(`${text.slice(0, 3)}~${text.slice(4)}`))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass(`${text}\n`.padEnd(text.length + 2, 'A')))).toBe('ERR_PIXELPASS_MALFORMED');
    expect(codeOf(() => decodePixelPass('GGW'))).toBe('ERR_PIXELPASS_MALFORMED'); // a chunk over 65535
    // Raw DEFLATE (no zlib header) and a zlib stream with a bad Adler-32.
    expect(codeOf(() => decodePixelPass(base45Encode(deflateRaw(utf8Encode('{"a":1}')))))).toBe(
      'ERR_PIXELPASS_MALFORMED',
    );
    const zlib = deflateZlib(utf8Encode('hello'));
    zlib[zlib.length - 1]! ^= 1;
    expect(codeOf(() => decodePixelPass(base45Encode(zlib)))).toBe('ERR_PIXELPASS_MALFORMED');
  });

  it('oversized: over maxInputLength, or data that no QR code holds: ERR_PIXELPASS_TOO_LARGE', () => {
    const big = { data: Array.from({ length: 4000 }, (_, i) => `${i}:${(i * 7919) % 10007}`) };
    expect(codeOf(() => encodePixelPass(big))).toBe('ERR_PIXELPASS_TOO_LARGE');
    const text = encodePixelPass(big, { maxLength: 1 << 20 });
    expect(text.length).toBeGreaterThan(PIXELPASS_MAX_TEXT);
    expect(codeOf(() => decodePixelPass(text))).toBe('ERR_PIXELPASS_TOO_LARGE');
    expect(decodePixelPass(text, { maxInputLength: text.length })).toMatchObject({ kind: 'cbor', data: big });
    expect(codeOf(() => decodePixelPass(text, { maxInputLength: text.length - 1 }))).toBe('ERR_PIXELPASS_TOO_LARGE');
  });

  it('a zlib bomb: ERR_PIXELPASS_BOMB, refused while inflating; within a budget it decodes (control)', () => {
    const bomb = pack(new Uint8Array(16 << 20));
    expect(bomb.length).toBeLessThan(PIXELPASS_MAX_TEXT * 8);
    expect(codeOf(() => decodePixelPass(bomb, { maxInputLength: bomb.length }))).toBe('ERR_PIXELPASS_BOMB');
    // Highly compressible but small: over the default 40× ratio, decodes with a wider one.
    const zeros = pack(new Uint8Array(20_000));
    expect(codeOf(() => decodePixelPass(zeros))).toBe('ERR_PIXELPASS_BOMB');
    expect(codeOf(() => decodePixelPass(zeros, { maxCompressionRatio: 1000 }))).not.toBe('ERR_PIXELPASS_BOMB');
    expect(codeOf(() => decodePixelPass(encodePixelPass(credential), { maxInflatedBytes: 100 }))).toBe(
      'ERR_PIXELPASS_BOMB',
    );
  });

  it('deep CBOR: ERR_PIXELPASS_CBOR_INVALID past maxDepth and past the reader bound, no stack overflow', () => {
    expect(decodePixelPass(packCbor(nested(48)))).toMatchObject({ kind: 'cbor' });
    expect(codeOf(() => decodePixelPass(packCbor(nested(49))))).toBe('ERR_PIXELPASS_CBOR_INVALID');
    // 100,000 levels: the array heads are one byte each.
    const deep = pack(new Uint8Array(100_000).fill(0x81));
    const wide = { maxCompressionRatio: 1e6, maxInflatedBytes: 1 << 20, maxInputLength: deep.length };
    expect(codeOf(() => decodePixelPass(deep, wide))).toBe('ERR_PIXELPASS_CBOR_INVALID');
    expect(decodePixelPass(packCbor(nested(5)), { maxDepth: 5 })).toMatchObject({ kind: 'cbor' });
    expect(codeOf(() => decodePixelPass(packCbor(nested(6)), { maxDepth: 5 }))).toBe('ERR_PIXELPASS_CBOR_INVALID');
    expect(codeOf(() => encodePixelPass(nested(49) as PixelPassJson))).toBe('ERR_PIXELPASS_JSON_INVALID');
  });

  it('duplicate or prototype member names, in CBOR or JSON text: the JSON codes (control: unique names)', async () => {
    const unique = packCbor(
      new CborMap([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(decodePixelPass(unique)).toMatchObject({ kind: 'cbor', data: { a: 1, b: 2 } });
    const twice = packCbor(
      new CborMap([
        ['a', 1],
        ['a', 2],
      ]),
    );
    expect(codeOf(() => decodePixelPass(twice))).toBe('ERR_JSON_DUPLICATE_KEY');
    // cbor-web keeps the last; a signature or another reader may take the first.
    expect(mosip.decode(twice)).toBe('{"a":2}');
    const proto = packCbor(new CborMap([['__proto__', new CborMap([['polluted', true]])]]));
    expect(codeOf(() => decodePixelPass(proto))).toBe('ERR_JSON_FORBIDDEN_KEY');
    // The same as JSON text carried as text: decoded as text, refused as a credential.
    const textTwice = pack(utf8Encode('{"a":1,"a":2}'));
    expect(decodePixelPass(textTwice)).toEqual({ kind: 'text', text: '{"a":1,"a":2}' });
    await expect(pixelpassFormat.decode(textTwice)).rejects.toMatchObject({ code: 'ERR_JSON_DUPLICATE_KEY' });
    await expect(pixelpassFormat.decode(pack(utf8Encode('{"a":1,"b":2}')))).resolves.toMatchObject({
      payload: { a: 1, b: 2 },
    });
    // Encoding refuses them too.
    expect(codeOf(() => encodePixelPass('{"a":1,"a":2}'))).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(codeOf(() => encodePixelPass(JSON.parse('{"__proto__":{"x":1}}') as PixelPassJson))).toBe(
      'ERR_JSON_FORBIDDEN_KEY',
    );
  });

  it('CBOR outside the strict subset, non-JSON CBOR and non-UTF-8 text are refused (control: float64)', () => {
    expect(decodePixelPass(mosip.generateQRData('{"x":0.1}'))).toMatchObject({ data: { x: 0.1 } });
    // cbor-web writes 1.5 as a float32 and -0 as a float16: read, as PixelPass reads them.
    expect(decodePixelPass(mosip.generateQRData('{"x":1.5}'))).toMatchObject({ data: { x: 1.5 } });
    expect(decodePixelPass(mosip.generateQRData('{"x":-0.5,"y":65504}'))).toMatchObject({
      data: { x: -0.5, y: 65504 },
    });
    expect(JSON.parse(mosip.decode(mosip.generateQRData('{"x":1.5}')))).toEqual({ x: 1.5 });
    expect(codeOf(() => decodePixelPass(packCbor(new CborMap([[1, 'integer key']]))))).toBe(
      'ERR_PIXELPASS_CBOR_INVALID',
    );
    expect(codeOf(() => decodePixelPass(packCbor(new CborMap([['bytes', new Uint8Array([1, 2])]]))))).toBe(
      'ERR_PIXELPASS_CBOR_INVALID',
    );
    expect(codeOf(() => decodePixelPass(pack(new Uint8Array([0xbf, 0x61, 0x61, 0x01, 0xff]))))).toBe(
      'ERR_PIXELPASS_CBOR_INVALID',
    ); // an indefinite-length map
    expect(codeOf(() => decodePixelPass(pack(new Uint8Array([0xff, 0xfe, 0xfd]))))).toBe('ERR_PIXELPASS_TEXT_INVALID');
    expect(codeOf(() => encodePixelPass({ x: Number.NaN }))).toBe('ERR_PIXELPASS_JSON_INVALID');
    expect(codeOf(() => encodePixelPass({ x: undefined } as unknown as PixelPassJson))).toBe(
      'ERR_PIXELPASS_JSON_INVALID',
    );
    expect(codeOf(() => encodePixelPass([1, , 3] as PixelPassJson))).toBe('ERR_PIXELPASS_JSON_INVALID');
    expect(codeOf(() => encodePixelPass({ at: new Date(0) } as unknown as PixelPassJson))).toBe(
      'ERR_PIXELPASS_JSON_INVALID',
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codeOf(() => encodePixelPass(cycle))).toBe('ERR_PIXELPASS_JSON_INVALID');
  });

  it('falsy CBOR items come back as text, as their decode() gives them, when that text is UTF-8', () => {
    expect(decodePixelPass(mosip.generateQRData('7'))).toEqual({ kind: 'cbor', data: 7, text: '7' });
    for (const json of ['0', '""']) {
      const text = mosip.generateQRData(json);
      expect(decodePixelPass(text)).toEqual({ kind: 'text', text: mosip.decode(text) });
    }
    // false (0xf4) and null (0xf6) are not UTF-8: their decode() gives U+FFFD, this decoder refuses.
    for (const json of ['false', 'null']) {
      const text = mosip.generateQRData(json);
      expect(mosip.decode(text)).toBe('\uFFFD');
      expect(codeOf(() => decodePixelPass(text))).toBe('ERR_PIXELPASS_TEXT_INVALID');
    }
  });
});
