import { encodeQr, QrEncodeFailure } from './encoder/index.js';
import { QrDataTooLongError, QrRenderOptionsError } from '../lib/errors.js';
import { ALPHANUMERIC_CHARS, qrProfileFor, type QrEcc, type QrMode, type QrSegment } from './profile.js';

/** A QR symbol: `size`×`size` modules, row-major, 1 = dark. */
export interface QrMatrix {
  size: number;
  modules: Uint8Array;
  version: number;
  ecc: QrEcc;
}

/** Options of `createQrMatrix`: segment mode, error correction and version. */
export interface QrMatrixOptions {
  /** Segmenting: `auto` (per format, see `qrProfileFor`) or one segment in the given mode. Default `auto`. */
  mode?: QrMode;
  /** Error correction level. Default: the format's (see `qrProfileFor`). */
  ecc?: QrEcc;
  /** Force a version (1–40); default the smallest that fits. */
  version?: number;
}

const ECCS: readonly QrEcc[] = ['L', 'M', 'Q', 'H'];
const MODES: readonly QrMode[] = ['auto', 'alphanumeric', 'byte', 'numeric'];

function segmentsFor(data: string | Uint8Array, mode: QrMode): { segments: QrSegment[] | string; ecc: QrEcc } {
  if (data instanceof Uint8Array) {
    if (mode !== 'auto' && mode !== 'byte')
      throw new QrRenderOptionsError(`bytes can only be written in byte mode, not ${mode}`);
    return { segments: [{ mode: 'byte', data }], ecc: 'M' };
  }
  const profile = qrProfileFor(data);
  switch (mode) {
    case 'auto':
      return { segments: profile.segments ?? data, ecc: profile.ecc };
    case 'alphanumeric':
      if (!ALPHANUMERIC_CHARS.test(data))
        throw new QrRenderOptionsError('text has chars outside the QR alphanumeric set (0-9 A-Z space $%*+-./:)');
      return { segments: [{ mode: 'alphanumeric', data }], ecc: profile.ecc };
    case 'numeric':
      if (!/^\d*$/.test(data)) throw new QrRenderOptionsError('numeric mode takes digits only');
      return { segments: [{ mode: 'numeric', data }], ecc: profile.ecc };
    case 'byte':
      return { segments: [{ mode: 'byte', data }], ecc: profile.ecc };
  }
}

/** Build the module matrix (our encoder; the same symbol `qrcode.create()` makes for these segments). */
export function createQrMatrix(data: string | Uint8Array, options: QrMatrixOptions = {}): QrMatrix {
  const mode = options.mode ?? 'auto';
  if (!MODES.includes(mode)) throw new QrRenderOptionsError(`unknown mode ${JSON.stringify(mode)}`);
  if (options.ecc !== undefined && !ECCS.includes(options.ecc))
    throw new QrRenderOptionsError(`unknown error correction level ${JSON.stringify(options.ecc)}`);
  if (
    options.version !== undefined &&
    !(Number.isInteger(options.version) && options.version >= 1 && options.version <= 40)
  ) {
    throw new QrRenderOptionsError('version must be an integer 1–40');
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array))
    throw new QrRenderOptionsError('data must be a string or Uint8Array');
  if (data.length === 0) throw new QrRenderOptionsError('data is empty');
  const { segments, ecc: profileEcc } = segmentsFor(data, mode);
  const ecc = options.ecc ?? profileEcc;
  try {
    const symbol = encodeQr(segments, ecc, options.version);
    return { size: symbol.size, modules: symbol.modules, version: symbol.version, ecc };
  } catch (error) {
    if (error instanceof QrEncodeFailure && error.reason === 'too-long') {
      throw new QrDataTooLongError(`the data does not fit in a QR code at error correction ${ecc}: ${error.message}`, {
        cause: error,
      });
    }
    throw new QrRenderOptionsError(`the data cannot be encoded: ${(error as Error).message}`, { cause: error });
  }
}
