import { describe, expect, it } from 'vitest';
import { CborFloat, decodeCborStrict } from '../src/index.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('decodeCborStrict: float widths', () => {
  // RFC 8949 Appendix A examples.
  const half: Array<[string, number]> = [
    ['f90000', 0],
    ['f98000', -0],
    ['f93c00', 1],
    ['f93e00', 1.5],
    ['f97bff', 65504],
    ['f90001', 5.960464477539063e-8],
    ['f90400', 0.00006103515625],
    ['f9c400', -4],
  ];
  const single: Array<[string, number]> = [
    ['fa47c35000', 100000],
    ['fa7f7fffff', 3.4028234663852886e38],
  ];

  it('reads half and single precision with anyFloatWidth (RFC 8949 examples)', () => {
    for (const [bytes, value] of [...half, ...single]) {
      const got = decodeCborStrict(hex(bytes), { anyFloatWidth: true });
      expect(got).toBeInstanceOf(CborFloat);
      expect(Object.is((got as CborFloat).value, value)).toBe(true);
    }
  });

  it('refuses them by default (control: float64 is read either way)', () => {
    for (const [bytes] of [...half, ...single])
      expect(() => decodeCborStrict(hex(bytes))).toThrow(expect.objectContaining({ code: 'ERR_CBOR_INVALID' }));
    expect((decodeCborStrict(hex('fb3ff8000000000000')) as CborFloat).value).toBe(1.5);
  });

  it('refuses NaN and infinities at every width (control: the largest finite half)', () => {
    for (const bytes of ['f97c00', 'f9fc00', 'f97e00', 'fa7f800000', 'faff800000', 'fa7fc00000'])
      expect(() => decodeCborStrict(hex(bytes), { anyFloatWidth: true })).toThrow(
        expect.objectContaining({ code: 'ERR_CBOR_INVALID' }),
      );
    expect((decodeCborStrict(hex('f97bff'), { anyFloatWidth: true }) as CborFloat).value).toBe(65504);
  });

  it('a truncated float is refused', () => {
    expect(() => decodeCborStrict(hex('f93c'), { anyFloatWidth: true })).toThrow(
      expect.objectContaining({ code: 'ERR_CBOR_INVALID' }),
    );
    expect(() => decodeCborStrict(hex('fa47c350'), { anyFloatWidth: true })).toThrow(
      expect.objectContaining({ code: 'ERR_CBOR_INVALID' }),
    );
  });
});
