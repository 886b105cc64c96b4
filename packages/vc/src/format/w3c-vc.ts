import type { Signer } from '@divoc/keys';
import {
  FormatIssueError,
  loadDdccReader,
  undecodableEvidence,
  type CredentialFormatPlugin,
  type FormatDetection,
  type FormatInput,
} from '@divoc/schemas';
import { issueCredential } from '../issue/index.js';
import type { ProofSuite, SignedCredential, SuiteName, UnsignedCredential } from '../types.js';
import { w3cCredentialEvidence } from './evidence.js';
import { summarizeW3cCredential } from './summary.js';

/** The W3C VC signer, and how to sign. */
export interface VcSigningKey {
  signer: Signer;
  /** Default: `eddsa-rdfc-2022` for Ed25519, `ecdsa-rdfc-2019` for P-256, `RsaSignature2018` for RSA. */
  suite?: SuiteName | ProofSuite;
  /** Default `signer.id`. */
  verificationMethod?: string;
}

/**
 * The suite a key signs with when none is named: Ed25519 → eddsa-rdfc-2022, P-256 → ecdsa-rdfc-2019, RSA →
 * RsaSignature2018.
 */
export function defaultSuiteFor(signer: Signer): SuiteName {
  if (signer.algorithm === 'ES256') return 'ecdsa-rdfc-2019';
  if (signer.algorithm === 'PS256' || signer.algorithm === 'RS256') return 'RsaSignature2018';
  return 'eddsa-rdfc-2022';
}

/** A bare `Signer` or a `VcSigningKey`, as a `VcSigningKey`. */
export function vcSigningKeyOf(key: Signer | VcSigningKey): VcSigningKey {
  return 'signer' in key && typeof (key as VcSigningKey).signer === 'object'
    ? (key as VcSigningKey)
    : { signer: key as Signer };
}

/** Signs an unsigned credential with the key's suite (the default for its algorithm when none is named). */
export async function signW3cCredential(
  credential: Readonly<Record<string, unknown>>,
  key: Signer | VcSigningKey,
  created: Date | undefined,
): Promise<SignedCredential> {
  const { signer, suite, verificationMethod } = vcSigningKeyOf(key);
  return issueCredential(credential as UnsignedCredential, {
    signer,
    suite: suite ?? defaultSuiteFor(signer),
    ...(verificationMethod !== undefined ? { verificationMethod } : {}),
    ...(created !== undefined ? { created } : {}),
  });
}

/** An object with `@context` whose `type` names VerifiableCredential. */
export function looksLikeW3cCredential(json: Readonly<Record<string, unknown>>): boolean {
  if (!('@context' in json)) return false;
  const type = json.type;
  return (Array.isArray(type) ? type : [type]).includes('VerifiableCredential');
}

function detect(input: FormatInput): FormatDetection | undefined {
  // A VC read out of a QR code is DIVOC's plain-JSON QR variant (the `divoc-qr` format), not a W3C VC file.
  if (input.kind !== 'json' || input.image !== undefined || !looksLikeW3cCredential(input.json)) return undefined;
  return { payload: input.json };
}

const isSignable = (key: unknown): key is Signer | VcSigningKey => typeof key === 'object' && key !== null;

/** A W3C Verifiable Credential as JSON(-LD), signed with a Data Integrity or Linked Data proof. */
export const w3cVcFormat = {
  name: 'w3c-vc',
  shortName: 'vc',
  title: 'W3C Verifiable Credential',
  keyUse: 'vc',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload: unknown) => ({ payload }),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return undecodableEvidence(
        'w3c-vc',
        context.details,
        'ERR_VC_KEY_EXPIRED',
        new TypeError('not a JSON object'),
        'ERR_INPUT_INVALID',
      );
    }
    return w3cCredentialEvidence('w3c-vc', payload, context);
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeW3cCredential,
  /** The WHO DDCC core data set of a decoded credential (DIVOC vaccination v1/v2, test, recovery). */
  coreDataSet: async (credential: unknown) => (await loadDdccReader())(credential),
  issuance: {
    mode: 'signs',
    keys: ['vc'],
    keyHint: 'keys.vc',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => {
      if (!isSignable(key)) throw new FormatIssueError('w3c-vc', 'ERR_ISSUER_KEY_MISSING', 'needs keys.vc');
      const signed = await signW3cCredential(input.credential, key, input.issuanceDate);
      return { output: { credential: signed, json: JSON.stringify(signed) } };
    },
  },
  files: {
    mainSuffix: '.json',
    /** The main file's text, from the issued output. */
    main: (output) => `${JSON.stringify(output.credential, null, 2)}\n`,
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => String(output.json),
  },
  /** Nothing: in the service's JSON the W3C credential is the certificate itself. */
  apiOutput: () => undefined,
} as const satisfies CredentialFormatPlugin<'w3c-vc'>;
