/**
 * One error root (issue 13): every package's errors extend `DivocError` from @divoc/keys, so `isDivocError(e)` and
 * `e.code` work whichever package threw. One real error from each package's public API, and plain errors as the
 * control.
 */
import { describe, expect, it } from 'vitest';
import { DivocError, isDivocError, parseJsonStrict } from '@divoc/keys';
import { decodeDcc } from '@divoc/dcc';
import { readQrFromImage } from '@divoc/qr/image';
import { decodeShcQr } from '@divoc/shc';
import { decodeBitstring } from '@divoc/status';
import { decodeCompactCredential } from '@divoc/vc';
import { decodeVdsnc } from '@divoc/vdsnc';
import { Trust } from '@divoc/verifier';
import { IssuerInputError } from '@divoc/issuer';
import { parsePdfTemplate } from '@divoc/pdf';
import { createDocumentLoader } from '@divoc/schemas';
import { ServiceConfigError, ServiceError, StorageError } from '@divoc/service';
import { WorkerConfigError } from '@divoc/worker';
import { UsageError } from '../packages/cli/src/lib/errors.js';

async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('every package throws DivocErrors', () => {
  it('one real error from each package is a DivocError with an ERR_ code', async () => {
    const errors = [
      await thrown(() => parseJsonStrict('{"a":1,"a":2}')),
      await thrown(() => decodeDcc('HC1:not base45 ~')),
      await thrown(() => readQrFromImage(new Uint8Array([1, 2, 3]))),
      await thrown(() => decodeShcQr('shc:/x9')),
      await thrown(() => decodeBitstring('!!!')),
      await thrown(() => decodeCompactCredential('DIVOC1:???')),
      await thrown(() => decodeVdsnc('{')),
      await thrown(() => new Trust().add('not trust material')),
      await thrown(() => createDocumentLoader()('https://example.invalid/unknown-context')),
      new IssuerInputError('x'),
      await thrown(() => parsePdfTemplate({ version: 2 })),
      new ServiceError('ERR_INTERNAL', 500, 'x'),
      new ServiceConfigError('x'),
      new StorageError('x'),
      new WorkerConfigError('x'),
      new UsageError('x'),
    ];
    for (const error of errors) {
      expect(isDivocError(error), String(error)).toBe(true);
      expect(error).toBeInstanceOf(DivocError);
      expect((error as DivocError).code).toMatch(/^ERR_[A-Z0-9_]+$/);
      expect((error as Error).name).not.toBe('Error');
    }
  });

  it('controls: plain errors, look-alikes and non-errors are not', () => {
    expect(isDivocError(new Error('x'))).toBe(false);
    expect(isDivocError(Object.assign(new Error('x'), { code: 'ERR_FAKE' }))).toBe(false);
    expect(isDivocError({ code: 'ERR_KEY_INVALID', message: 'x' })).toBe(false);
    for (const value of [null, undefined, 'ERR_KEY_INVALID', 42]) expect(isDivocError(value)).toBe(false);
  });
});
