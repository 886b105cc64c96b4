import { readFileCapped } from '@divoc/keys/node';
import { DEFAULT_IMAGE_LIMITS, sniffImage } from '@divoc/qr';
import { DEFAULT_LIMITS } from '@divoc/verifier';
import { describeError, errorCode } from './errors.js';
import { readStreamLimited } from './files.js';
import { rawInput, type RawInput } from './formats/index.js';
import { resolvePath, type CliIo } from './io.js';
import { describeFsError } from '@divoc/keys/node';

/**
 * Credentials, QR payloads and QR images are small; anything larger is refused before parsing. The library's limits
 * (`DEFAULT_LIMITS` of @divoc/verifier): at most `maxBytes` (8 MiB) of a file is read, and a text input holds at most
 * `maxTextLength` (2 Mi) characters, for `verify` and `decode` alike.
 */
export const MAX_INPUT_BYTES = DEFAULT_LIMITS.maxBytes;
export const MAX_INPUT_TEXT = DEFAULT_LIMITS.maxTextLength;

/** One thing to verify or decode: a readable input, or why it could not be read. */
export type InputUnit =
  | { kind: 'input'; input: RawInput }
  /** `unreadable`: the file itself could not be read (exit 2); otherwise its content was refused (exit 1). */
  | { kind: 'failed'; name: string; code: string; message: string; unreadable: boolean };

/** What reading one QR image may cost: the library's limits (`DEFAULT_LIMITS` of @divoc/verifier). */
export const IMAGE_LIMITS = Object.freeze({
  maxPixels: DEFAULT_LIMITS.maxImagePixels,
  maxBytes: DEFAULT_LIMITS.maxBytes,
  timeBudgetMs: DEFAULT_IMAGE_LIMITS.timeBudgetMs,
});

const SHC_CHUNK = /^shc:\/(\d{1,2})\/(\d{1,2})\//;

/**
 * Reads every INPUT (`-` is stdin), turns QR images into the text they hold, and gathers SMART Health Card chunks
 * given as separate INPUTs (`shc:/1/3/…`, `shc:/2/3/…`, …, in any order) into one unit, placed where its first
 * chunk was. A chunk set that stays incomplete is still one unit; verifying it reports the missing chunks.
 */
export async function readInputs(io: CliIo, names: readonly string[]): Promise<InputUnit[]> {
  const units: InputUnit[] = [];
  for (const name of names) units.push(await readOne(io, name));
  return groupShcChunks(units);
}

async function readOne(io: CliIo, name: string): Promise<InputUnit> {
  let read: { bytes: Uint8Array; tooLarge: boolean };
  try {
    read =
      name === '-'
        ? await readStreamLimited(io.stdin, MAX_INPUT_BYTES)
        : await readFileCapped(resolvePath(io, name), MAX_INPUT_BYTES);
  } catch (error) {
    return {
      kind: 'failed',
      name,
      code: 'ERR_INPUT_UNREADABLE',
      message: `cannot read ${name}: ${describeFsError(error)}`,
      unreadable: true,
    };
  }
  if (read.tooLarge)
    return {
      kind: 'failed',
      name,
      code: 'ERR_INPUT_TOO_LARGE',
      message: `larger than ${MAX_INPUT_BYTES} bytes`,
      unreadable: false,
    };
  // PNG, JPEG, or an SVG document: such inputs are QR images, read with `readQrFromImage`.
  const image = sniffImage(read.bytes);
  if (image === null) {
    const input = rawInput(name, read.bytes);
    // What verify() refuses (ERR_INPUT_TOO_LARGE), decode refuses too, before any format parses it.
    if (input.text !== undefined && input.text.length > MAX_INPUT_TEXT) {
      return {
        kind: 'failed',
        name,
        code: 'ERR_INPUT_TOO_LARGE',
        message: `text is ${input.text.length} characters, over the ${MAX_INPUT_TEXT} limit`,
        unreadable: false,
      };
    }
    return { kind: 'input', input };
  }
  let text: string;
  try {
    // One code per image: looking for more costs ~10× the first read. (Chunks of an SHC card come one per image.)
    // The same budgets `verify()` uses: pixels capped before allocating, SVG complexity and reading time capped.
    // The reader (image decoders, jsqr) is loaded for the first image only, not at start-up.
    const { readQrFromImage } = await import('@divoc/qr/image');
    text = readQrFromImage(read.bytes, IMAGE_LIMITS);
  } catch (error) {
    return {
      kind: 'failed',
      name,
      code: errorCode(error) ?? 'ERR_QR_UNREADABLE',
      message: `${image.toUpperCase()} image: ${describeError(error)}`,
      unreadable: false,
    };
  }
  return { kind: 'input', input: { name, bytes: new TextEncoder().encode(text), text, image, imageBytes: read.bytes } };
}

function groupShcChunks(units: InputUnit[]): InputUnit[] {
  const out: (InputUnit | undefined)[] = [];
  // Open chunk sets by their total: where in `out` the set sits, and its chunks by index.
  const open = new Map<number, { at: number; names: string[]; chunks: Map<number, string> }>();
  const place = (total: number) => {
    const set = open.get(total);
    if (!set) return;
    const ordered = [...set.chunks.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
    const text = ordered.join('\n');
    out[set.at] = {
      kind: 'input',
      input: { name: set.names.join(' + '), bytes: new TextEncoder().encode(text), text, chunks: ordered },
    };
    open.delete(total);
  };
  for (const unit of units) {
    const text = unit.kind === 'input' ? unit.input.text?.trim() : undefined;
    const m = text !== undefined && !text.includes('\n') ? SHC_CHUNK.exec(text) : null;
    if (unit.kind !== 'input' || !m || text === undefined) {
      out.push(unit);
      continue;
    }
    const index = Number(m[1]);
    const total = Number(m[2]);
    if (total < 2) {
      out.push(unit);
      continue;
    }
    let set = open.get(total);
    if (set?.chunks.has(index)) {
      // The same chunk again: that starts the next card.
      place(total);
      set = undefined;
    }
    if (!set) {
      set = { at: out.length, names: [], chunks: new Map() };
      open.set(total, set);
      out.push(undefined);
    }
    set.names.push(unit.input.name);
    set.chunks.set(index, text);
    if (set.chunks.size === total) place(total);
  }
  for (const total of [...open.keys()]) place(total);
  return out.filter((u): u is InputUnit => u !== undefined);
}
