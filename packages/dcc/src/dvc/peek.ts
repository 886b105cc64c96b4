/**
 * Which HCERT an `HC1:` text (or COSE bytes) carries: the EU DCC (sub-claim 1), a WHO DVC (-6) or its ICVP profile.
 * For the plugins' `detect`, so it uses only @divoc/keys' codecs (in every bundle anyway), bounded, and never throws:
 * anything it cannot read is `undefined`, and the `dcc` plugin keeps such input (its decoder then says what is wrong).
 */
import {
  base45Decode,
  CborMap,
  CborTag,
  decodeCborStrict,
  inflateZlibBounded,
  isJsonObject,
  type CborValue,
} from '@divoc/keys';
import { dvcProfileOf, HCERT_DVC, type DvcProfile } from './payload.js';

/** What an HCERT message holds, by the format that reads it. */
export type HcertKind = 'dcc' | DvcProfile;

/** A QR code holds at most 4296 alphanumeric characters; a DCC/DVC inflates to a few KB. */
const MAX_TEXT = 8192;
const MAX_COSE = 64 * 1024;
const HCERT = -260;
const EU_DCC = 1;

function mapGet(map: CborValue | undefined, key: number): CborValue | undefined {
  if (!(map instanceof CborMap)) return undefined;
  return map.entries.find(([k]) => k === key)?.[1];
}

/** A CBOR value as JSON-like data (text-keyed maps only; anything else is left out). */
function jsonOf(value: CborValue): unknown {
  if (value instanceof CborMap) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries) if (typeof k === 'string' && k !== '__proto__') out[k] = jsonOf(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(jsonOf);
  return value instanceof CborTag || value instanceof Uint8Array ? undefined : value;
}

function kindOfCose(cose: Uint8Array): HcertKind | undefined {
  let message: CborValue = decodeCborStrict(cose);
  for (let i = 0; i < 2 && message instanceof CborTag; i++) message = message.value;
  if (!Array.isArray(message) || message.length !== 4 || !(message[2] instanceof Uint8Array)) return undefined;
  const hcert = mapGet(decodeCborStrict(message[2]), HCERT);
  if (!(hcert instanceof CborMap)) return undefined;
  const dvc = mapGet(hcert, HCERT_DVC);
  const dcc = mapGet(hcert, EU_DCC);
  if (dvc === undefined || dcc !== undefined) return dcc !== undefined && dvc === undefined ? 'dcc' : undefined;
  const payload = jsonOf(dvc);
  return isJsonObject(payload) ? dvcProfileOf(payload) : 'dvc';
}

const HC1_BYTES = [0x48, 0x43, 0x31, 0x3a];

/**
 * The HCERT kind of `HC1:` text, its UTF-8 bytes, or a (zlib-compressed) COSE message; undefined when it cannot be
 * read cheaply and strictly (the caller falls back to the EU DCC). Never throws.
 */
export function peekHcertKind(input: string | Uint8Array): HcertKind | undefined {
  try {
    let cose: Uint8Array;
    if (typeof input === 'string' || HC1_BYTES.every((b, i) => input[i] === b)) {
      const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
      if (text.length > MAX_TEXT || !text.startsWith('HC1:')) return undefined;
      const body = base45Decode(text.slice(4).replace(/[\r\n]+$/, ''));
      cose = inflateZlibBounded(body, { maxOutput: MAX_COSE });
    } else if (input.length > MAX_COSE) return undefined;
    else cose = input[0] === 0x78 ? inflateZlibBounded(input, { maxOutput: MAX_COSE }) : input;
    return kindOfCose(cose);
  } catch {
    return undefined;
  }
}
