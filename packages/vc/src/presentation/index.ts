import { assertSafeJson, isPlatformUnsupportedError, TrustStore, type TrustedKey } from '@divoc/keys';
import { CONTEXT_URLS } from '@divoc/schemas';
import { defaultDocumentLoader, memoizedCanonize, toVcError } from '../canonize/index.js';
import { signDocument } from '../issue/index.js';
import {
  VcChallengeMismatchError,
  VcDomainMismatchError,
  VcHolderKeyError,
  VcHolderMismatchError,
  VcKeyPurposeError,
  VcMalformedError,
  VcPresentedCredentialInvalidError,
  VcProofMissingError,
  VcSignatureInvalidError,
  VcUnsupportedSuiteError,
} from '../lib/errors.js';
import { asArray, isJsonObject } from '../lib/json.js';
import { suiteForProof, suites as builtInSuites } from '../suites/index.js';
import type {
  CredentialVerificationResult,
  JsonObject,
  Proof,
  SignedPresentation,
  SignPresentationOptions,
  SuiteContext,
  UnsignedPresentation,
  CreatePresentationOptions,
  PresentationVerificationResult,
  VerifyPresentationOptions,
} from '../types.js';
import {
  MAX_DEPTH,
  MAX_SERIALIZED_LENGTH,
  depthOf,
  fail,
  loaderForRegistry,
  ok,
  verificationMethodOf,
  verifyCredential,
} from '../verify/index.js';

/** At most this many credentials in one presentation: each costs a full credential verification. */
export const MAX_PRESENTATION_CREDENTIALS = 10;
/** Bound on `challenge` / `domain` strings, both the expected and the presented ones. */
const MAX_BINDING_LENGTH = 2048;
/** The purpose a presentation proof must state: the holder authenticates. */
const PRESENTATION_PROOF_PURPOSE = 'authentication';

/** The base VC context the first credential uses (so the presentation speaks the same data model), else VC 2.0. */
function baseContext(credentials: readonly JsonObject[]): string {
  const first = asArray(credentials[0]?.['@context'])[0];
  return first === CONTEXT_URLS.CREDENTIALS_V1 ? CONTEXT_URLS.CREDENTIALS_V1 : CONTEXT_URLS.CREDENTIALS_V2;
}

/**
 * Builds an unsigned W3C Verifiable Presentation around signed credentials: `@context` is the first credential's VC
 * context (1.1 or 2.0), `type` is `VerifiablePresentation`. The credentials are copied, never modified.
 */
export function createPresentation(options: CreatePresentationOptions = {}): UnsignedPresentation {
  const credentials = asArray(options.verifiableCredential);
  if (credentials.length > MAX_PRESENTATION_CREDENTIALS)
    throw new VcMalformedError(`a presentation holds at most ${MAX_PRESENTATION_CREDENTIALS} credentials`);
  if (!credentials.every((c) => isJsonObject(c))) throw new VcMalformedError('every credential must be a JSON object');
  const copies = JSON.parse(JSON.stringify(credentials)) as JsonObject[];
  return {
    '@context': [baseContext(copies)],
    ...(options.id !== undefined ? { id: options.id } : {}),
    type: ['VerifiablePresentation'],
    ...(options.holder !== undefined ? { holder: options.holder } : {}),
    ...(copies.length > 0 ? { verifiableCredential: copies } : {}),
  };
}

function checkBinding(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_BINDING_LENGTH)
    throw new TypeError(`options.${name} must be a non-empty string of at most ${MAX_BINDING_LENGTH} characters`);
  return value;
}

/**
 * Signs a presentation as its holder: a proof with `proofPurpose: authentication` (unless told otherwise) that binds
 * the verifier's `challenge` (and `domain`), so the presentation answers that one request only. Returns a copy.
 */
export async function signPresentation(
  presentation: UnsignedPresentation | Readonly<Record<string, unknown>>,
  options: SignPresentationOptions,
): Promise<SignedPresentation> {
  const challenge = checkBinding(options?.challenge, 'challenge');
  const domain = options.domain === undefined ? undefined : checkBinding(options.domain, 'domain');
  const signed = await signDocument(
    presentation,
    { ...options, proofPurpose: options.proofPurpose ?? PRESENTATION_PROOF_PURPOSE },
    'presentation',
    { challenge, ...(domain !== undefined ? { domain } : {}) },
    'signPresentation',
  );
  return signed as SignedPresentation;
}

interface DecodedPresentation {
  presentation: JsonObject;
  document: JsonObject;
  proof: Proof;
  holder?: string;
  credentials: unknown[];
}

/** Bounds and shape, on a private copy (as `verifyCredential` does), then safe-mode canonicalisation. */
async function decode(input: unknown, context: SuiteContext): Promise<DecodedPresentation> {
  if (!isJsonObject(input)) throw new VcMalformedError('presentation must be a JSON object');
  if (depthOf(input) > MAX_DEPTH) throw new VcMalformedError(`presentation is nested deeper than ${MAX_DEPTH} levels`);
  assertSafeJson(input);
  let serialized: string;
  try {
    serialized = JSON.stringify(input);
  } catch (cause) {
    throw new VcMalformedError('presentation is not JSON data', { cause });
  }
  if (serialized.length > MAX_SERIALIZED_LENGTH)
    throw new VcMalformedError(
      `presentation is ${serialized.length} characters, over the ${MAX_SERIALIZED_LENGTH} limit`,
    );
  const presentation = JSON.parse(serialized) as JsonObject;
  assertSafeJson(presentation);
  if (presentation['@context'] === undefined) throw new VcMalformedError('presentation has no @context');
  const types = asArray(presentation.type);
  if (!types.every((t) => typeof t === 'string') || !types.includes('VerifiablePresentation'))
    throw new VcMalformedError('presentation type does not include "VerifiablePresentation"');
  const holder = presentation.holder;
  const holderId = typeof holder === 'string' ? holder : isJsonObject(holder) ? holder.id : undefined;
  if (holder !== undefined && typeof holderId !== 'string')
    throw new VcMalformedError('presentation holder must be a URL or an object with an id');
  const credentials: unknown[] = asArray(presentation.verifiableCredential);
  if (credentials.length > MAX_PRESENTATION_CREDENTIALS)
    throw new VcMalformedError(`presentation holds more than ${MAX_PRESENTATION_CREDENTIALS} credentials`);
  if (presentation.proof === undefined || presentation.proof === null)
    throw new VcProofMissingError('presentation has no proof');
  const proofs = asArray(presentation.proof);
  if (proofs.length !== 1)
    throw new VcProofMissingError(`presentation must carry exactly one proof, found ${proofs.length}`);
  const proof = proofs[0];
  if (!isJsonObject(proof) || typeof proof.type !== 'string')
    throw new VcMalformedError('proof must be an object with a string type');
  const { proof: _signature, ...document } = presentation;
  // Safe mode: a term no context defines would be left out of what the holder signed.
  await context.canonize(document);
  return {
    presentation,
    document,
    proof: proof as Proof,
    credentials,
    ...(typeof holderId === 'string' ? { holder: holderId } : {}),
  };
}

/** The holder's key, from the holder's did:key alone: a verifier's trust list never vouches for a holder. */
function holderKeys(holder: string | undefined, verificationMethod: string): TrustedKey[] {
  if (holder === undefined) throw new VcHolderKeyError('the presentation names no holder');
  if (!holder.startsWith('did:key:')) throw new VcHolderKeyError('the holder must be a did:key');
  if (verificationMethod.split('#')[0] !== holder)
    throw new VcHolderKeyError(`the proof's verification method is not a key of the holder ${holder.slice(0, 120)}`);
  const store = new TrustStore();
  try {
    store.addDidKey(holder);
  } catch (cause) {
    throw new VcHolderKeyError('the holder is not a valid did:key', { cause });
  }
  const keys = store.resolve(verificationMethod);
  if (keys.length === 0) throw new VcHolderKeyError(`no key of ${holder.slice(0, 120)} answers to the proof`);
  return keys;
}

function subjectIds(credential: JsonObject | undefined): unknown[] {
  return asArray(credential?.credentialSubject).map((s) => (isJsonObject(s) ? s.id : undefined));
}

function firstFailure(result: CredentialVerificationResult): string {
  const failed = result.checks.find((c) => !c.ok);
  return failed ? `${failed.name}: ${failed.code ?? ''} ${failed.message ?? ''}`.trim() : 'invalid';
}

/**
 * Verifies a W3C Verifiable Presentation. Never throws for bad input: every failure is a check with a stable code.
 * Checks, in order: `decode`; `signature` (the proof verifies under the holder's own did:key, resolved offline);
 * `key-usage` (purpose `authentication`, and the expected `challenge` and `domain`); `trust` (every credential
 * verifies with `verifyCredential` against `trust`, and, with holder binding, names the holder as its subject).
 */
export async function verifyPresentation(
  presentation: unknown,
  options: VerifyPresentationOptions,
): Promise<PresentationVerificationResult> {
  const challenge = checkBinding(options?.challenge, 'challenge');
  const domain = options.domain === undefined ? undefined : checkBinding(options.domain, 'domain');
  const result: PresentationVerificationResult = { valid: false, checks: [], credentials: [] };
  const documentLoader =
    options.documentLoader ?? (options.registry ? loaderForRegistry(options.registry) : defaultDocumentLoader());
  const context: SuiteContext = { documentLoader, canonize: memoizedCanonize({ documentLoader }) };

  let decoded: DecodedPresentation;
  try {
    decoded = await decode(presentation, context);
  } catch (error) {
    result.checks.push(fail('decode', toVcError(error)));
    return result;
  }
  result.checks.push(ok('decode'));
  result.presentation = decoded.presentation;
  if (decoded.holder !== undefined) result.holder = decoded.holder;
  const { proof, document } = decoded;
  result.suite = typeof proof.cryptosuite === 'string' ? proof.cryptosuite : proof.type;

  try {
    const id = verificationMethodOf(proof);
    result.verificationMethod = id;
    const keys = holderKeys(decoded.holder, id);
    const suite = suiteForProof(proof, [...(options.suites ?? []), ...Object.values(builtInSuites)]);
    if (!suite) throw new VcUnsupportedSuiteError(`unsupported proof ${proof.type}`);
    const verifiedBy = await suite.verifyProof({ document, proof, keys, context });
    if (!verifiedBy) throw new VcSignatureInvalidError(`signature does not verify under the holder's key ${id}`);
    result.checks.push(ok('signature'));
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(fail('signature', toVcError(error)));
  }

  try {
    if (proof.proofPurpose !== PRESENTATION_PROOF_PURPOSE)
      throw new VcKeyPurposeError(
        `proofPurpose ${JSON.stringify(String(proof.proofPurpose)).slice(0, 80)} is not ${PRESENTATION_PROOF_PURPOSE}`,
      );
    if (proof.challenge !== challenge)
      throw new VcChallengeMismatchError('the proof does not carry the expected challenge');
    if (domain !== undefined && proof.domain !== domain)
      throw new VcDomainMismatchError('the proof does not carry the expected domain');
    result.checks.push(ok('key-usage'));
  } catch (error) {
    result.checks.push(fail('key-usage', toVcError(error)));
  }

  try {
    if (decoded.credentials.length === 0)
      throw new VcPresentedCredentialInvalidError('the presentation holds no credential');
    let problem: Error | undefined;
    for (const [i, credential] of decoded.credentials.entries()) {
      const verified = await verifyCredential(credential, {
        ...(options.trust !== undefined ? { trust: options.trust } : {}),
        documentLoader,
        ...(options.now ? { now: options.now } : {}),
        ...(options.checkSchema !== undefined ? { checkSchema: options.checkSchema } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.suites ? { suites: options.suites } : {}),
      });
      result.credentials.push(verified);
      if (!verified.valid) {
        problem ??= new VcPresentedCredentialInvalidError(`verifiableCredential[${i}]: ${firstFailure(verified)}`);
      } else if (options.holderBinding !== false) {
        const ids = subjectIds(verified.credential);
        if (ids.length === 0 || !ids.every((s) => s === decoded.holder))
          problem ??= new VcHolderMismatchError(`verifiableCredential[${i}]: its subject is not the holder`);
      }
    }
    if (problem) throw problem;
    result.checks.push(ok('trust'));
  } catch (error) {
    if (error instanceof TypeError) throw error;
    result.checks.push(fail('trust', toVcError(error)));
  }

  result.valid = result.checks.every((c) => c.ok);
  return result;
}
