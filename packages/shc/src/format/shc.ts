import type { KeyPair, Signer } from '@divoc/keys';
import {
  evidenceFrom,
  FormatIssueError,
  projectCredential,
  type CredentialFormatPlugin,
  type FormatDetection,
  type FormatInput,
} from '@divoc/schemas';
import { decodeShc, detectShc, type ShcInput } from '../jws/decode.js';
import { issueShc } from '../jws/sign.js';
import { verifyShc } from '../verify/verify.js';
import { summarizeShc } from './summary.js';

/** SMART Health Card issuer key. */
export interface ShcSigningKey {
  /** ES256 signer. */
  signer: Signer;
  /** Its key (the public half is enough): gives the `kid` (JWK thumbprint). */
  key: KeyPair | JsonWebKey;
  /** `iss`: https URL without a trailing slash. Default: the credential issuer when it is an https URL. */
  issuer?: string;
}

/** SHC `iss` from the key's issuer, else the credential issuer when it is an https URL (trailing slash dropped). */
export function shcIssuerOf(key: ShcSigningKey, issuer: string): string {
  if (key.issuer !== undefined) return key.issuer;
  if (/^https:\/\//.test(issuer)) return issuer.replace(/\/+$/, '');
  throw new FormatIssueError(
    'shc',
    'ERR_ISSUER_KEY_MISSING',
    'SMART Health Cards need an https issuer URL: give keys.shc.issuer',
  );
}

const SHC_CHUNK = /^shc:\/\d{1,2}\/\d{1,2}\//;

function detect(input: FormatInput): FormatDetection | undefined {
  switch (input.kind) {
    case 'text': {
      if (input.text.startsWith('shc:/')) {
        // A file with one chunk per line is a chunk set.
        const lines = input.text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '');
        if (lines.length > input.maxItems) {
          return {
            payload: undefined,
            refusal: { code: 'ERR_INPUT_TOO_LARGE', message: `more than ${input.maxItems} QR chunks` },
          };
        }
        return { payload: lines.length > 1 ? lines : input.text };
      }
      return detectShc(input.text) ? { payload: input.text } : undefined;
    }
    case 'json':
      return Array.isArray(input.json.verifiableCredential) ? { payload: input.json } : undefined;
    case 'texts': {
      const chunks = input.texts.map((t) => t.replace(/^\uFEFF/, '').trim());
      if (!chunks.every((t) => SHC_CHUNK.test(t) && !t.includes('\n'))) return undefined;
      const details = input.image !== undefined ? { image: input.image, qrCodes: input.texts.length } : {};
      return { payload: [...new Set(chunks)], details };
    }
    default:
      return undefined;
  }
}

const isShcKey = (key: unknown): key is ShcSigningKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'key' in key;

/** A SMART Health Card: a compact JWS of a FHIR bundle, as `shc:/` QR chunks, a JWS or a `.smart-health-card` file. */
export const shcFormat = {
  name: 'shc',
  shortName: 'shc',
  title: 'SMART Health Card',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload) => {
    const decoded = decodeShc(payload as ShcInput);
    return { payload: decoded.payload, header: { ...decoded.header } };
  },
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    // Key windows at signing time are never relaxed (a card made after its key expired); now-windows are the
    // verifier's.
    const result = await verifyShc(payload as ShcInput, { trust: context.trust.store, now: context.now });
    const evidence = evidenceFrom('shc', result.checks, context.details, 'ERR_SHC_KEY_EXPIRED');
    if (result.signer) evidence.signer = result.signer;
    if (result.header) {
      evidence.details.suite = result.header.alg;
      evidence.details.verificationMethod = result.header.kid;
    }
    if (result.jws !== undefined) evidence.details.jws = result.jws;
    if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
    if (!result.payload || !result.header) return evidence;
    const card = result.payload;
    evidence.credential = card;
    evidence.signedAt = new Date(card.nbf * 1000);
    const rid = card.vc.rid;
    evidence.revocation = [
      {
        kind: 'shc-rid',
        issuer: card.iss,
        kid: result.header.kid,
        ...(rid !== undefined ? { rid } : {}),
        issuedAt: card.nbf,
      },
    ];
    return evidence;
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeShc,
  issuance: {
    mode: 'signs',
    keys: ['shc'],
    keyHint: 'keys.shc (an ES256 signer, its key and an https issuer)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => {
      if (!isShcKey(key))
        throw new FormatIssueError('shc', 'ERR_ISSUER_KEY_MISSING', 'needs keys.shc (an ES256 signer and its key)');
      if (input.ddcc.kind === 'recovery') {
        throw new FormatIssueError(
          'shc',
          'ERR_ISSUER_FORMAT_UNSUPPORTED',
          'SMART Health Cards have no recovery profile',
        );
      }
      const rid = input.options.shcRid;
      const card = await issueShc(projectCredential(input.credential, input.ddcc), {
        signer: key.signer,
        key: key.key,
        issuer: shcIssuerOf(key, input.issuer),
        ...(input.issuanceDate !== undefined ? { nbf: input.issuanceDate } : {}),
        ...(typeof rid === 'string' ? { rid } : {}),
      });
      return { output: { jws: card.jws, qr: card.qr, file: card.file, payload: card.payload }, qr: card.qr };
    },
  },
  files: {
    mainSuffix: '.smart-health-card',
    /** The main file's text, from the issued output. */
    main: (output) => `${JSON.stringify(output.file)}\n`,
    /** The side file: the QR chunk texts, one per line. */
    sides: (output) => [{ suffix: '.shc.txt', contents: `${(output.qr as readonly string[]).join('\n')}\n` }],
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify({ file: output.file, qr: output.qr }),
    // A card in one chunk has one QR text to print; a card in several has none.
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (_main, side) => {
      const chunks = side('.shc.txt')?.trim().split('\n') ?? [];
      return chunks.length === 1 ? chunks[0] : undefined;
    },
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ jws: output.jws, qr: output.qr }),
} as const satisfies CredentialFormatPlugin<'shc'>;
