import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { decodeDivocQr, detectDivocQr, encodeDivocQr, verifyDivocQr } from '../src/index.js';
import { readZip, writeZip } from '../src/divoc/zip.js';
import { DIVOC_VECTORS, divocTrustStore, vectorJson, vectorText } from './helpers.js';
import { codeOf } from '../../../test/support/errors.js';
import { passedChecks } from '../../../test/support/checks.js';

const now = new Date('2022-01-01T00:00:00Z');
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const utf8Bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('DIVOC vector QR texts', () => {
  it.each(DIVOC_VECTORS)('%s decodes to exactly the signed certificate', (name) => {
    const text = vectorText(`divoc/qr/${name}.qr-text.txt`);
    const decoded = decodeDivocQr(text);
    expect(decoded.variant).toBe('zip-binary-string');
    expect(decoded.credential).toEqual(vectorJson(`divoc/signed/${name}.json`));
    expect(detectDivocQr(text)).toBe(true);
  });

  it.each(DIVOC_VECTORS)('%s verifies with the DIVOC test keys mapped to did:india', async (name) => {
    const result = await verifyDivocQr(vectorText(`divoc/qr/${name}.qr-text.txt`), {
      trust: divocTrustStore(),
      now,
    });
    expect(result.format).toBe('divoc-qr');
    expect(result.checks).toEqual(passedChecks('decode', 'signature', 'trust', 'validity', 'schema'));
    expect(result.valid).toBe(true);
    expect(result.verificationMethod).toBe('did:india');
    expect(result.variant).toBe('zip-binary-string');
    expect(result.payload).toEqual(vectorJson(`divoc/signed/${name}.json`));
    // DIVOC's vaccination context leaves these terms unbound by the signature: passed on as a warning.
    expect(result.ambiguousTerms?.map((g) => [g.path, g.terms])).toEqual([
      ['evidence[0]', ['feedbackUrl', 'infoUrl']],
      ['evidence[0]', ['batch', 'vaccine', 'manufacturer']],
      ['evidence[0]', ['date', 'effectiveStart', 'effectiveUntil']],
      ['evidence[0]', ['dose', 'totalDoses']],
    ]);
  });

  it.each(DIVOC_VECTORS)('%s: every way a scanner may hand it over decodes the same', (name) => {
    const binary = vectorText(`divoc/qr/${name}.qr-text.txt`);
    const expected = vectorJson(`divoc/signed/${name}.json`);
    const qrBytes = utf8Bytes(binary); // the bytes inside the QR symbol
    const zipBytes = new Uint8Array(Buffer.from(binary, 'latin1'));
    const cases: [string | Uint8Array, string][] = [
      [binary, 'zip-binary-string'],
      [latin1(qrBytes), 'zip-utf8-as-latin1'], // scanner returned the QR bytes as Latin-1
      [qrBytes, 'zip-utf8-bytes'],
      [zipBytes, 'zip-bytes'],
      [`B64:${Buffer.from(zipBytes).toString('base64')}`, 'zip-base64'],
      [`b64:${Buffer.from(zipBytes).toString('base64')}\n`, 'zip-base64'],
      [JSON.stringify(expected), 'json'],
      [utf8Bytes(`  ${JSON.stringify(expected)}\n`), 'json'],
    ];
    for (const [input, variant] of cases) {
      const decoded = decodeDivocQr(input);
      expect(decoded.variant, variant).toBe(variant);
      expect(decoded.credential).toEqual(expected);
      expect(detectDivocQr(input), variant).toBe(true);
    }
  });

  it('the tampered certificate, encoded as a DIVOC QR, fails the signature check', async () => {
    const qr = encodeDivocQr(vectorJson('divoc/signed/rsa2018-tampered-invalid.json'));
    const result = await verifyDivocQr(qr, { trust: divocTrustStore(), now, checkSchema: false });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });
});

describe('encodeDivocQr', () => {
  it('round-trips every signed vector, keeping the JSON text byte for byte', () => {
    for (const name of ['ed25519-2018-divocdev-valid', 'rsa2018-divocdev-valid', 'rsa2018-cowinctx-valid']) {
      const credential = vectorJson(`divoc/signed/${name}.json`);
      const qr = encodeDivocQr(credential);
      expect(qr.startsWith('PK\u0003\u0004')).toBe(true);
      expect([...qr].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
      const decoded = decodeDivocQr(qr);
      expect(decoded.credential).toEqual(credential);
      expect(decoded.json).toBe(JSON.stringify(credential));
      // Also through a UTF-8 scanner: the QR holds the UTF-8 bytes of the binary string.
      expect(decodeDivocQr(utf8Bytes(qr)).credential).toEqual(credential);
    }
  });

  it('writes the ZIP layout JSZip writes: one DEFLATE entry certificate.json, no data descriptor', () => {
    const qr = encodeDivocQr({ a: 'ü' }, { modified: new Date(2021, 4, 6, 10, 20, 30) });
    const bytes = new Uint8Array(Buffer.from(qr, 'latin1'));
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(4, true)).toBe(10); // version needed
    expect(view.getUint16(6, true)).toBe(0); // flags
    expect(view.getUint16(8, true)).toBe(8); // DEFLATE
    const zip = readZip(bytes);
    expect(zip.entries.map((e) => e.name)).toEqual(['certificate.json']);
    expect(new TextDecoder().decode(zip.read(zip.entries[0]!))).toBe('{"a":"ü"}');
    // Deterministic for a fixed time.
    expect(encodeDivocQr({ a: 'ü' }, { modified: new Date(2021, 4, 6, 10, 20, 30) })).toBe(qr);
  });

  it('keeps a JSON string argument as given, and refuses non-objects', () => {
    const json = '{ "b": 1,  "a": 2 }';
    expect(decodeDivocQr(encodeDivocQr(json)).json).toBe(json);
    expect(codeOf(() => encodeDivocQr([] as never))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => encodeDivocQr(null as never))).toBe('ERR_DIVOC_QR_MALFORMED');
  });
});

describe('detectDivocQr', () => {
  it('sniffs DIVOC wrappings and nothing else', () => {
    expect(detectDivocQr(encodeDivocQr({ x: 1 }))).toBe(true);
    expect(detectDivocQr('B64:UEsDBA==')).toBe(true);
    expect(detectDivocQr('{"proof":{"verificationMethod":"did:india"}}')).toBe(true);
    expect(detectDivocQr('{"@context":["https://www.w3.org/2018/credentials/v1"]}')).toBe(false);
    expect(detectDivocQr('HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC')).toBe(false);
    expect(detectDivocQr('shc:/5676290952432060346029243740')).toBe(false);
    expect(detectDivocQr('https://verify.example/certificate/123')).toBe(false);
    expect(detectDivocQr('')).toBe(false);
    expect(detectDivocQr(new Uint8Array([0xff, 0xfe, 0x00]))).toBe(false);
    expect(detectDivocQr(42 as never)).toBe(false);
  });
});

/* ------------------------------------------------------------------------------------------------ hostile input */

const cert = utf8Bytes('{"hello":"world"}');
const zipOf = (entries: { name: string; data: Uint8Array }[]): Uint8Array =>
  writeZip(entries, { modified: new Date(2021, 0, 1) });
const asText = (bytes: Uint8Array): string => latin1(bytes);

/** Offsets in a one-entry archive written by writeZip. */
function layout(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const eocd = bytes.length - 22;
  const central = view.getUint32(eocd + 16, true);
  return { view, eocd, central };
}

/** A one-entry archive whose entry data and sizes we control. */
function rawZip(
  name: string,
  stored: Uint8Array,
  declared: { crc: number; size: number },
  method = 8,
  flags = 0,
): Uint8Array {
  const base = zipOf([{ name, data: new Uint8Array(0) }]);
  const nameLength = new TextEncoder().encode(name).length;
  const localLength = 30 + nameLength;
  // Rebuild: local header + data + central + eocd, patching sizes.
  const local = base.slice(0, localLength);
  const { central, eocd } = layout(base);
  const centralRecord = base.slice(central, eocd);
  const end = base.slice(eocd);
  const result = new Uint8Array(local.length + stored.length + centralRecord.length + end.length);
  result.set(local, 0);
  result.set(stored, local.length);
  result.set(centralRecord, local.length + stored.length);
  result.set(end, local.length + stored.length + centralRecord.length);
  const view = new DataView(result.buffer);
  const c = local.length + stored.length;
  for (const [at, isLocal] of [
    [0, true],
    [c, false],
  ] as const) {
    const shift = isLocal ? 0 : 2;
    view.setUint16(at + 6 + shift, flags, true);
    view.setUint16(at + 8 + shift, method, true);
    view.setUint32(at + 14 + shift, declared.crc, true);
    view.setUint32(at + 18 + shift, stored.length, true);
    view.setUint32(at + 22 + shift, declared.size, true);
  }
  view.setUint32(result.length - 22 + 16, c, true);
  return result;
}

describe('hostile DIVOC payloads → typed errors', () => {
  const good = zipOf([{ name: 'certificate.json', data: cert }]);

  it('sanity: the hand-built archive decodes', () => {
    expect(decodeDivocQr(asText(good)).credential).toEqual({ hello: 'world' });
    const stored = rawZip('certificate.json', deflateRawSync(cert), {
      crc: readZip(good).entries[0]!.crc32,
      size: cert.length,
    });
    expect(decodeDivocQr(stored).credential).toEqual({ hello: 'world' });
  });

  it('a zip bomb (10 MB of zeros declared honestly) is refused before inflating', () => {
    const zeros = new Uint8Array(10 * 1024 * 1024);
    const bomb = zipOf([{ name: 'certificate.json', data: zeros }]);
    expect(bomb.length).toBeLessThan(20_000);
    expect(codeOf(() => decodeDivocQr(asText(bomb), { maxInputLength: 100_000 }))).toBe('ERR_DIVOC_QR_BOMB');
  });

  it('a zip bomb that lies about its size is stopped while inflating', () => {
    const data = deflateRawSync(new Uint8Array(50 * 1024 * 1024));
    const lying = rawZip('certificate.json', data, { crc: 0, size: 1000 });
    expect(codeOf(() => decodeDivocQr(lying, { maxInputLength: 1_000_000 }))).toBe('ERR_DIVOC_QR_BOMB');
  });

  it('a ratio over 200:1 is a bomb even under the size budget', () => {
    const zeros = new Uint8Array(900 * 1024);
    expect(
      codeOf(() => decodeDivocQr(zipOf([{ name: 'certificate.json', data: zeros }]), { maxInputLength: 100_000 })),
    ).toBe('ERR_DIVOC_QR_BOMB');
  });

  it('too many entries is a bomb', () => {
    const many = zipOf(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.json`, data: cert })));
    expect(codeOf(() => decodeDivocQr(many))).toBe('ERR_DIVOC_QR_BOMB');
  });

  it('CRC mismatch', () => {
    const bad = good.slice();
    const { view, central } = layout(bad);
    view.setUint32(14, view.getUint32(14, true) ^ 1, true);
    view.setUint32(central + 16, view.getUint32(central + 16, true) ^ 1, true);
    expect(codeOf(() => decodeDivocQr(bad))).toBe('ERR_DIVOC_QR_CRC_MISMATCH');
  });

  it('truncated, corrupt or garbage archives', () => {
    expect(codeOf(() => decodeDivocQr(asText(good.subarray(0, good.length - 5))))).toBe('ERR_DIVOC_QR_ZIP_INVALID');
    expect(codeOf(() => decodeDivocQr(asText(good.subarray(0, 20))))).toBe('ERR_DIVOC_QR_ZIP_INVALID');
    expect(codeOf(() => decodeDivocQr('PK\u0003\u0004'))).toBe('ERR_DIVOC_QR_ZIP_INVALID');
    const corrupt = rawZip('certificate.json', Uint8Array.of(0xff, 0xff, 0xff, 0xff), { crc: 0, size: 10 });
    expect(codeOf(() => decodeDivocQr(corrupt))).toBe('ERR_DIVOC_QR_ZIP_INVALID');
    const badOffset = good.slice();
    layout(badOffset).view.setUint32(badOffset.length - 22 + 16, 9999, true);
    expect(codeOf(() => decodeDivocQr(badOffset))).toBe('ERR_DIVOC_QR_ZIP_INVALID');
  });

  it('ZIP64, encryption, multi-disk and exotic methods are refused', () => {
    const zip64 = good.slice();
    layout(zip64).view.setUint16(zip64.length - 22 + 10, 0xffff, true);
    expect(codeOf(() => decodeDivocQr(zip64))).toBe('ERR_DIVOC_QR_ZIP_UNSUPPORTED');
    const zip64Sizes = good.slice();
    const l = layout(zip64Sizes);
    l.view.setUint32(l.central + 24, 0xffffffff, true);
    expect(codeOf(() => decodeDivocQr(zip64Sizes))).toBe('ERR_DIVOC_QR_ZIP_UNSUPPORTED');
    const multiDisk = good.slice();
    layout(multiDisk).view.setUint16(multiDisk.length - 22 + 4, 1, true);
    expect(codeOf(() => decodeDivocQr(multiDisk))).toBe('ERR_DIVOC_QR_ZIP_UNSUPPORTED');
    const crc = readZip(good).entries[0]!.crc32;
    expect(
      codeOf(() => decodeDivocQr(rawZip('certificate.json', deflateRawSync(cert), { crc, size: cert.length }, 8, 1))),
    ).toBe('ERR_DIVOC_QR_ZIP_UNSUPPORTED');
    expect(
      codeOf(() => decodeDivocQr(rawZip('certificate.json', deflateRawSync(cert), { crc, size: cert.length }, 12))),
    ).toBe('ERR_DIVOC_QR_ZIP_UNSUPPORTED');
  });

  it('unsafe entry names are refused; a missing certificate.json is reported', () => {
    for (const name of ['../certificate.json', '/etc/passwd', 'a/../../b', 'C:/x.json', 'a\\b.json']) {
      expect(
        codeOf(() => decodeDivocQr(zipOf([{ name, data: cert }]))),
        name,
      ).toBe('ERR_DIVOC_QR_ZIP_ENTRY_NAME');
    }
    expect(codeOf(() => decodeDivocQr(zipOf([{ name: 'other.json', data: cert }])))).toBe('ERR_DIVOC_QR_ENTRY_MISSING');
    expect(
      codeOf(() =>
        decodeDivocQr(
          zipOf([
            { name: 'certificate.json', data: cert },
            { name: 'certificate.json', data: cert },
          ]),
        ),
      ),
    ).toBe('ERR_DIVOC_QR_ZIP_ENTRY_NAME');
  });

  it('content that is not a JSON object', () => {
    expect(codeOf(() => decodeDivocQr(zipOf([{ name: 'certificate.json', data: utf8Bytes('not json') }])))).toBe(
      'ERR_DIVOC_QR_JSON_INVALID',
    );
    expect(codeOf(() => decodeDivocQr(zipOf([{ name: 'certificate.json', data: utf8Bytes('[1,2]') }])))).toBe(
      'ERR_DIVOC_QR_JSON_INVALID',
    );
    expect(codeOf(() => decodeDivocQr(zipOf([{ name: 'certificate.json', data: Uint8Array.of(0xc3, 0x28) }])))).toBe(
      'ERR_DIVOC_QR_JSON_INVALID',
    );
    expect(codeOf(() => decodeDivocQr('{"a":'))).toBe('ERR_DIVOC_QR_JSON_INVALID');
    expect(codeOf(() => decodeDivocQr('null'))).toBe('ERR_DIVOC_QR_MALFORMED');
  });

  it('wrong types, empty, oversized and unknown inputs', () => {
    expect(codeOf(() => decodeDivocQr(42 as never))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr(null as never))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr(''))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('x'.repeat(20_000)))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('HC1:NCFOXN%TS3DH'))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('B64:@@@'))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('B64:aGVsbG8='))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('PK\u0003\u0004\u0100'))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr(new Uint8Array([0xff, 0xfe])))).toBe('ERR_DIVOC_QR_MALFORMED');
    expect(codeOf(() => decodeDivocQr('https://verify.cowin.gov.in/cert/123'))).toBe('ERR_DIVOC_QR_UNSUPPORTED');
  });

  it('verifyDivocQr never throws: a bad payload is a failed decode check', async () => {
    for (const input of ['', 'garbage', asText(good.subarray(0, 30)), 42 as never]) {
      const result = await verifyDivocQr(input, { trust: divocTrustStore() });
      expect(result.valid).toBe(false);
      expect(result.format).toBe('divoc-qr');
      expect(result.checks).toHaveLength(1);
      expect(result.checks[0]).toMatchObject({
        name: 'decode',
        ok: false,
        code: expect.stringMatching(/^ERR_DIVOC_QR_/),
      });
    }
    // Decodes, but is not a credential: verifyCredential reports it.
    const result = await verifyDivocQr(encodeDivocQr({ hello: 'world' }), { trust: divocTrustStore() });
    expect(result.valid).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false });
  });

  it('a signed credential whose key is not in the trust store fails trust', async () => {
    const qr = vectorText('divoc/qr/rsa2018-divocdev-valid.qr-text.txt');
    const { TrustStore } = await import('@divoc/keys');
    const result = await verifyDivocQr(qr, { trust: new TrustStore(), now });
    expect(result.valid).toBe(false);
    expect(result.checks.some((c) => !c.ok && /TRUST|KEY/.test(c.code ?? ''))).toBe(true);
  });
});
