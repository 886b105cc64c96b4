/** Issue 12: certificate ids become file names, so names Windows reserves for devices are refused (with controls). */
import { describe, expect, it } from 'vitest';
import { certificateIdFor, isSafeCertificateId } from '../src/index.js';

describe('certificate ids that are file names on every OS', () => {
  it('refuses device names (any case, any extension) and a trailing dot; keeps look-alikes', () => {
    for (const id of [
      'CON',
      'con',
      'PRN',
      'AUX',
      'NUL',
      'nul.json',
      'COM1',
      'com9.pdf',
      'LPT1',
      'LPT3.txt',
      'abc.',
      '244768056.',
    ]) {
      expect(isSafeCertificateId(id), id).toBe(false);
      expect(certificateIdFor('vaccination', { certificateId: id }), id).toMatchObject({
        ok: false,
        field: 'certificateId',
      });
    }
    for (const id of ['CONSOLE', 'NULL', 'COM10', 'LPT', 'con-1', 'a.b', '244768056', 'URN.UVCI.01']) {
      expect(isSafeCertificateId(id), id).toBe(true);
      expect(certificateIdFor('vaccination', { certificateId: id }), id).toEqual({ ok: true, certificateId: id });
    }
    for (const id of ['../x', '.hidden', '-x', 'a/b', 'a\\\\b', '', 'x'.repeat(129), 42.5, null])
      expect(isSafeCertificateId(id), String(id)).toBe(false);
  });
});
