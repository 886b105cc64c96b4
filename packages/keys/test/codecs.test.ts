import { describe, expect, it } from 'vitest';
import {
  base58btcDecode,
  base58btcEncode,
  base64urlDecode,
  base64urlEncode,
  multibaseDecode,
  multibaseEncode,
} from '@divoc/keys';
import { codeOrNoError } from '../../../test/support/errors.js';

const code = codeOrNoError;

describe('base58btc', () => {
  it('matches known values (leading zeros preserved)', () => {
    expect(base58btcEncode(new TextEncoder().encode('Hello World!'))).toBe('2NEpo7TZRRrLZSi2U');
    expect(base58btcEncode(Uint8Array.of(0, 0, 1))).toBe('112');
    expect(base58btcEncode(new Uint8Array(0))).toBe('');
    expect(Array.from(base58btcDecode('112'))).toEqual([0, 0, 1]);
    expect(new TextDecoder().decode(base58btcDecode('2NEpo7TZRRrLZSi2U'))).toBe('Hello World!');
  });
  it('round-trips random bytes', () => {
    for (let n = 0; n < 80; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      if (n % 3 === 0 && n > 0) bytes[0] = 0;
      expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
    }
  });
  it('agrees with a BigInt reference on random bytes and random strings (limb arithmetic)', () => {
    const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    const refEncode = (bytes: Uint8Array) => {
      let zeros = 0;
      while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
      let n = 0n;
      for (const b of bytes) n = n * 256n + BigInt(b);
      let out = '';
      while (n > 0n) {
        out = ALPHABET[Number(n % 58n)] + out;
        n /= 58n;
      }
      return '1'.repeat(zeros) + out;
    };
    const refDecode = (text: string) => {
      let zeros = 0;
      while (zeros < text.length && text[zeros] === '1') zeros++;
      let n = 0n;
      for (const c of text) n = n * 58n + BigInt(ALPHABET.indexOf(c));
      const body: number[] = [];
      while (n > 0n) {
        body.unshift(Number(n & 255n));
        n >>= 8n;
      }
      return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
    };
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    for (let t = 0; t < 3000; t++) {
      const length = Math.floor(rand() * 140);
      const bytes = Uint8Array.from({ length }, () =>
        rand() < 0.1 ? 0 : rand() < 0.05 ? 255 : Math.floor(rand() * 256),
      );
      if (rand() < 0.2) for (let z = Math.floor(rand() * 4); z > 0 && z <= length; z--) bytes[z - 1] = 0;
      const text = base58btcEncode(bytes);
      expect(text).toBe(refEncode(bytes));
      expect(base58btcDecode(text)).toEqual(bytes);
      const chars = Array.from(
        { length: Math.floor(rand() * 120) },
        () => ALPHABET[rand() < 0.1 ? 0 : Math.floor(rand() * 58)],
      ).join('');
      expect(base58btcDecode(chars)).toEqual(refDecode(chars));
    }
    expect(base58btcEncode(new Uint8Array(64).fill(255))).toBe(refEncode(new Uint8Array(64).fill(255)));
  });
  it('rejects characters outside the alphabet and huge input with ERR_ENCODING_INVALID', () => {
    for (const bad of ['0abc', 'Ol', 'abc!', 'é', ' 2N'])
      expect(code(() => base58btcDecode(bad))).toBe('ERR_ENCODING_INVALID');
    const started = Date.now();
    expect(code(() => base58btcDecode('2'.repeat(1_000_000)))).toBe('ERR_ENCODING_INVALID');
    expect(Date.now() - started).toBeLessThan(500);
    expect(code(() => base58btcDecode(42 as unknown as string))).toBe('ERR_ENCODING_INVALID');
  });
});

describe('base64url', () => {
  it('encodes without padding and decodes strictly', () => {
    expect(base64urlEncode(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    expect(Array.from(base64urlDecode('-_8'))).toEqual([0xfb, 0xff]);
    for (const bad of ['-_8=', 'ab+/', 'a', 'ab cd', 'ab\n'])
      expect(code(() => base64urlDecode(bad))).toBe('ERR_ENCODING_INVALID');
  });
});

describe('multibase', () => {
  it("supports 'z' and 'u'", () => {
    const bytes = Uint8Array.of(0xed, 0x01, 1, 2, 3);
    expect(multibaseEncode(bytes)).toMatch(/^z/);
    expect(multibaseEncode(bytes, 'base64url')).toBe('u7QEBAgM');
    expect(multibaseDecode(multibaseEncode(bytes))).toEqual(bytes);
    expect(multibaseDecode('u7QEBAgM')).toEqual(bytes);
  });
  it('rejects unknown prefixes and empty input', () => {
    for (const bad of ['', 'f00', 'mAAA', '💥']) expect(code(() => multibaseDecode(bad))).toBe('ERR_ENCODING_INVALID');
  });
});
