import { describe, expect, it } from 'vitest';
import {
  base45Decode,
  base45Encode,
  createUvci,
  transliterateIcao,
  uvciCheckCharacter,
  validateDccPayload,
  validateUvciChecksum,
  zlibDeflate,
  zlibInflate,
} from '../src/index.js';
import { vectorFiles, vectorJson } from '../../../test/support/vectors.js';

describe('Base45 (RFC 9285)', () => {
  const vectors: Array<[string, string]> = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ];
  it.each(vectors)('%j ↔ %j', (text, encoded) => {
    expect(base45Encode(new TextEncoder().encode(text))).toBe(encoded);
    expect(new TextDecoder().decode(base45Decode(encoded))).toBe(text);
  });

  it('round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 513 }, (_, i) => (i * 37) & 0xff);
    expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
  });

  it.each([
    ['GGW', 'over 65535'],
    ['ZZ', 'over 255'],
    ['A', 'length'],
    ['ABCD', 'length'],
    ['bb8', 'not in the Base45 alphabet'],
    ['BB8\n', 'length'],
    ['BB#', 'not in the Base45 alphabet'],
    ['BBé', 'not in the Base45 alphabet'],
  ])('rejects %j (%s)', (text, message) => {
    expect(() => base45Decode(text)).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_BASE45_INVALID', message: expect.stringContaining(message) }),
    );
  });
});

describe('bounded zlib', () => {
  it('inflates what it deflates', () => {
    const data = new TextEncoder().encode('x'.repeat(300) + 'DCC');
    expect(zlibInflate(zlibDeflate(data))).toEqual(data);
  });

  it('stops a bomb: 10 MB of zeros', () => {
    const bomb = zlibDeflate(new Uint8Array(10 * 1024 * 1024));
    expect(() => zlibInflate(bomb)).toThrow(expect.objectContaining({ code: 'ERR_DCC_COMPRESSION_INVALID' }));
  });

  it('rejects a high ratio under the size cap', () => {
    expect(() => zlibInflate(zlibDeflate(new Uint8Array(60_000)))).toThrow(/×/);
  });

  it('rejects uncompressed, truncated and garbage streams', () => {
    const ok = zlibDeflate(new TextEncoder().encode('hello DCC'));
    for (const bad of [
      Uint8Array.of(0xd2, 0x84, 0x43),
      ok.subarray(0, ok.length - 6),
      Uint8Array.of(0x78, 0x9c, 0xff, 0xff),
      new Uint8Array(0),
    ]) {
      expect(() => zlibInflate(bad)).toThrow(expect.objectContaining({ code: 'ERR_DCC_COMPRESSION_INVALID' }));
    }
  });
});

describe('UVCI', () => {
  // Values produced by the eHealth Network reference implementation (eu-dcc-schema examples/Luhn-Mod-N/luhn_mod_n.py)
  // run on its own sample inputs. (Its docstring claims 'S' for the first; the code it ships gives 'H'.)
  it('matches the eHealth Network reference Luhn mod N implementation', () => {
    expect(uvciCheckCharacter('URN:UVCI:01:NL:MY/INPUT/STRING')).toBe('H');
    expect(uvciCheckCharacter('URN:UVCI:01:NL:187/37512422923')).toBe('Z');
    expect(validateUvciChecksum('URN:UVCI:01:NL:MY/INPUT/STRING#H')).toBe(true);
    expect(validateUvciChecksum('URN:UVCI:01:NL:187/37512422923#Z')).toBe(true);
  });

  it('creates UVCIs with and without checksum', () => {
    const uvci = createUvci('IN', '244768056', { checksum: true });
    expect(uvci).toMatch(/^URN:UVCI:01:IN:244768056#[A-Z0-9/:]$/);
    expect(validateUvciChecksum(uvci)).toBe(true);
    expect(createUvci('DE', 'abc/123', { checksum: false })).toBe('URN:UVCI:01:DE:ABC/123');
  });

  it('detects a changed character or check character', () => {
    const uvci = createUvci('IN', 'DIVOC/244768056');
    const [body, check] = uvci.split('#') as [string, string];
    expect(validateUvciChecksum(`${body.replace('2447', '2448')}#${check}`)).toBe(false);
    const other = check === 'A' ? 'B' : 'A';
    expect(validateUvciChecksum(`${body}#${other}`)).toBe(false);
    expect(validateUvciChecksum(body)).toBe(false);
    expect(validateUvciChecksum('URN:UVCI:01:IN:a b#C')).toBe(false);
    expect(validateUvciChecksum(42 as unknown as string)).toBe(false);
  });

  it('rejects malformed input', () => {
    expect(() => createUvci('India', '1')).toThrow(expect.objectContaining({ code: 'ERR_DCC_UVCI_INVALID' }));
    expect(() => createUvci('IN', 'a b')).toThrow(expect.objectContaining({ code: 'ERR_DCC_UVCI_INVALID' }));
    expect(() => createUvci('IN', 'X'.repeat(80))).toThrow(/80/);
  });
});

describe('ICAO 9303 transliteration', () => {
  it.each([
    ['Musterfrau-Gößinger', 'MUSTERFRAU<GOESSINGER'],
    ["d'Červenková Panklová", 'DCERVENKOVA<PANKLOVA'],
    ['Jiřina-Maria Alena', 'JIRINA<MARIA<ALENA'],
    ['Lövström', 'LOEVSTROEM'],
    ['Åsa Ørsted', 'AASA<OERSTED'],
    ['Þórunn', 'THORUNN'],
    ['Muñoz', 'MUNOZ'],
    ['  van der  Berg ', 'VAN<DER<BERG'],
    ['Иванов', 'IVANOV'],
    ['Щукина', 'SHCHUKINA'],
    ['Γεώργιος', 'GEORGIOS'],
    ['भय मित्र', ''],
  ])('%j → %j', (name, expected) => {
    expect(transliterateIcao(name)).toBe(expected);
  });

  it('caps the length at 80', () => {
    expect(transliterateIcao('A'.repeat(200))).toHaveLength(80);
  });
});

describe('DCC schema 1.3.3', () => {
  const read = (dir: string) =>
    vectorFiles(`dcc/schema-1.3.3/${dir}`, '.json').map((path) => [path.split('/').pop()!, vectorJson(path)] as const);

  it.each(read('test/valid/'))('accepts test/valid/%s', (_name, dcc) => {
    expect(validateDccPayload(dcc, { valueSets: false })).toEqual([]);
  });

  it.each(read('test/invalid/'))('rejects test/invalid/%s', (_name, dcc) => {
    expect(validateDccPayload(dcc, { valueSets: false }).length).toBeGreaterThan(0);
  });

  it('checks codes against the EU value sets', () => {
    const dcc = {
      ver: '1.3.0',
      nam: { fnt: 'X' },
      dob: '',
      v: [
        {
          tg: '840539006',
          vp: 'nope',
          mp: 'EU/1/20/1528',
          ma: 'ORG-100030215',
          dn: 1,
          sd: 2,
          dt: '2021-05-01',
          co: 'IN',
          is: 'x',
          ci: 'y',
        },
      ],
    };
    expect(validateDccPayload(dcc)).toEqual([expect.objectContaining({ path: '$.v[0].vp', kind: 'value-set' })]);
    expect(validateDccPayload(dcc, { valueSets: false })).toEqual([]);
  });

  it('reports non-objects without throwing', () => {
    for (const bad of [null, 42, 'x', [], {}]) expect(validateDccPayload(bad).length).toBeGreaterThan(0);
  });
});
