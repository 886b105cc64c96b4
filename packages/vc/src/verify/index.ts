import {
  assertSafeJson,
  bindIssuer,
  isPlatformUnsupportedError,
  trustedKeyIssuers,
  trustStoreOf,
  type TrustedKey,
} from '@divoc/keys';
import { createDocumentLoader, defaultRegistry, validateCredentialAsync, type DocumentLoader } from '@divoc/schemas';
import { canonizeDroppingRelativeIds, defaultDocumentLoader, memoizedCanonize, toVcError } from '../canonize/index.js';
import { findUnsignedTerms, type RelativeId } from '../canonize/ambiguity.js';
import {
  VcError,
  VcExpiredError,
  VcKeyExpiredError,
  VcKeyNotTrustedError,
  VcKeyPurposeError,
  VcIssuerMismatchError,
  VcMalformedError,
  VcNotYetValidError,
  VcProofMissingError,
  VcSchemaInvalidError,
  VcSignatureInvalidError,
  VcSubjectIdUnsignedError,
  VcUnsupportedSuiteError,
  JsonLdSafeModeError,
} from '../lib/errors.js';
import { asArray, isJsonObject, parseDateTime } from '../lib/json.js';
import { suiteForProof, suites as builtInSuites } from '../suites/index.js';
import type {
  AmbiguousTermGroup,
  Check,
  CheckName,
  CredentialVerificationResult,
  JsonObject,
  KeyResolver,
  Proof,
  SuiteContext,
  VerifyOptions,
} from '../types.js';

/** Inputs above these bounds are rejected before any JSON-LD work (DIVOC certificates are ~2 KB). */
export const MAX_SERIALIZED_LENGTH = 2 * 1024 * 1024;
export const MAX_DEPTH = 48;

export const ok = (name: CheckName, message?: string): Check =>
  message ? { name, ok: true, message } : { name, ok: true };
export const fail = (name: CheckName, error: VcError): Check => ({
  name,
  ok: false,
  code: error.code,
  message: error.message,
});

interface Decoded {
  credential: JsonObject;
  /** The credential without its proof: what the proof signs. */
  document: JsonObject;
  proof: Proof;
  issuer?: string;
  /** Nodes with a relative `@id`, left out of what was signed (empty for a credential safe mode accepts). */
  relativeIds: RelativeId[];
  ambiguous: AmbiguousTermGroup[];
}

export function depthOf(value: unknown): number {
  // Iterative, so a hostile 100 000-deep array cannot overflow the stack here.
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > MAX_DEPTH) return max;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node))
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return max;
}

function issuerOf(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isJsonObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

/**
 * Structural checks, then JSON-LD expansion of the unsigned document (unknown contexts, safe mode), and the walk for
 * terms the signature leaves unbound. A document safe mode refuses only for relative node ids is still read: what a
 * signer without safe mode signed is the document without those nodes, which the `signature` check then reports.
 */
async function decode(input: unknown, suite: SuiteContext): Promise<Decoded> {
  if (!isJsonObject(input)) throw new VcMalformedError('credential must be a JSON object');
  if (depthOf(input) > MAX_DEPTH) throw new VcMalformedError(`credential is nested deeper than ${MAX_DEPTH} levels`);
  // A `__proto__` / `constructor` / `prototype` member (JSON.parse makes them own members) is refused outright:
  // copies would turn it into a prototype, and what is read would not be what was signed. ERR_JSON_FORBIDDEN_KEY.
  assertSafeJson(input);
  let serialized: string;
  try {
    serialized = JSON.stringify(input);
  } catch (cause) {
    throw new VcMalformedError('credential is not JSON data', { cause });
  }
  if (serialized.length > MAX_SERIALIZED_LENGTH) {
    throw new VcMalformedError(
      `credential is ${serialized.length} characters, over the ${MAX_SERIALIZED_LENGTH} limit`,
    );
  }
  // Work on our own copy: the caller's object can change under us (or be a Proxy) between checks.
  const credential = JSON.parse(serialized) as JsonObject;
  // Again on our copy: a getter or Proxy could have shown the check above something else.
  assertSafeJson(credential);
  const context = credential['@context'];
  if (context === undefined) throw new VcMalformedError('credential has no @context');
  if (!asArray(context).every((c) => typeof c === 'string' || isJsonObject(c))) {
    throw new VcMalformedError('credential @context must be a URL, an object or an array of them');
  }
  const types = asArray(credential.type);
  if (types.length === 0 || !types.every((t) => typeof t === 'string'))
    throw new VcMalformedError('credential type must be a string or an array of strings');
  if (!types.includes('VerifiableCredential'))
    throw new VcMalformedError('credential type does not include "VerifiableCredential"');
  if (credential.proof === undefined || credential.proof === null)
    throw new VcProofMissingError('credential has no proof');
  const proofs = asArray(credential.proof);
  if (proofs.length !== 1)
    throw new VcProofMissingError(`credential must carry exactly one proof, found ${proofs.length}`);
  const proof = proofs[0];
  if (!isJsonObject(proof) || typeof proof.type !== 'string')
    throw new VcMalformedError('proof must be an object with a string type');
  const { proof: _signature, ...document } = credential;
  let relativeIds: RelativeId[] = [];
  let ambiguous: AmbiguousTermGroup[];
  try {
    await suite.canonize(document);
    // Terms the signature does not bind to their values (a warning, reported on the result; see findAmbiguousTerms).
    ambiguous = (await findUnsignedTerms(document, { documentLoader: suite.documentLoader })).ambiguous;
  } catch (error) {
    if (!(toVcError(error) instanceof JsonLdSafeModeError)) throw error;
    let unsigned;
    try {
      unsigned = await findUnsignedTerms(document, { documentLoader: suite.documentLoader });
    } catch {
      throw error;
    }
    if (unsigned.relativeIds.length === 0) throw error;
    // Throws the safe-mode error again for anything else safe mode refuses (an undefined term, a relative type…).
    await canonizeDroppingRelativeIds(document, new Set(unsigned.relativeIds.map((r) => r.id)), {
      documentLoader: suite.documentLoader,
    });
    relativeIds = unsigned.relativeIds;
    ambiguous = unsigned.ambiguous;
  }
  const issuer = issuerOf(credential);
  return { credential, document, proof: proof as Proof, relativeIds, ambiguous, ...(issuer ? { issuer } : {}) };
}

function unsignedIdError(relativeIds: readonly RelativeId[]): VcSubjectIdUnsignedError {
  const where = relativeIds
    .slice(0, 3)
    .map((r) => `${r.path} ${JSON.stringify(r.id.length > 40 ? `${r.id.slice(0, 40)}…` : r.id)}`)
    .join(', ');
  const more = relativeIds.length > 3 ? ` (+${relativeIds.length - 3} more)` : '';
  return new VcSubjectIdUnsignedError(
    `the proof verifies, but ${where}${more} is a relative IRI, which JSON-LD drops: that node's values were not ` +
      `signed and may have been changed (an id needs a scheme, e.g. did: or urn:)`,
  );
}

export function verificationMethodOf(proof: Proof): string {
  // jsonld-signatures ≤ v3 named it `creator`.
  const id = proof.verificationMethod ?? (proof as JsonObject).creator;
  if (typeof id !== 'string' || id.length === 0 || id.length > 2048) {
    throw new VcMalformedError('proof.verificationMethod is missing or not a string');
  }
  return id;
}

function resolveKeys(store: KeyResolver, id: string): TrustedKey[] {
  try {
    return [...(store.resolve(id) ?? [])];
  } catch {
    return [];
  }
}

/** The purpose a credential's proof must state: the issuer asserts the claims. */
const CREDENTIAL_PROOF_PURPOSE = 'assertionMethod';

/**
 * Key window must cover the signing time (proof `created`, else the validation clock); the proof must state the
 * assertion purpose and the key be authorised for it; the issuer the credential names must be one the key speaks
 * for (or of a kind the trust gives it none of: then the claim is only unbound, which `@divoc/verifier` reports).
 */
function checkTrust(
  key: TrustedKey | undefined,
  proof: Proof,
  id: string,
  now: Date,
  issuer: string | undefined,
): void {
  if (!key) throw new VcKeyNotTrustedError(`no trusted key answers to ${JSON.stringify(id)}`);
  const signedAt = parseDateTime(proof.created) ?? now;
  if (key.validFrom && signedAt < key.validFrom) {
    throw new VcKeyExpiredError(
      `key ${key.id} is valid from ${key.validFrom.toISOString()}, after the proof was made ` +
        `(${signedAt.toISOString()})`,
    );
  }
  if (key.validUntil && signedAt > key.validUntil) {
    throw new VcKeyExpiredError(
      `key ${key.id} expired ${key.validUntil.toISOString()}, before the proof was made (${signedAt.toISOString()})`,
    );
  }
  // Without a stated purpose a key authorised only for authentication could sign credentials.
  if (proof.proofPurpose === undefined)
    throw new VcKeyPurposeError(
      `the proof states no proofPurpose (a credential proof must be ${CREDENTIAL_PROOF_PURPOSE})`,
    );
  if (proof.proofPurpose !== CREDENTIAL_PROOF_PURPOSE) {
    throw new VcKeyPurposeError(
      `proofPurpose ${JSON.stringify(String(proof.proofPurpose)).slice(0, 80)} is not ${CREDENTIAL_PROOF_PURPOSE}`,
    );
  }
  if (key.purposes && !key.purposes.includes(CREDENTIAL_PROOF_PURPOSE)) {
    throw new VcKeyPurposeError(
      `key ${key.id} may not be used for ${CREDENTIAL_PROOF_PURPOSE} ` +
        `(allowed: ${key.purposes.join(', ') || 'nothing'})`,
    );
  }
  const binding = bindIssuer(trustedKeyIssuers(key), issuer);
  if (binding.status === 'mismatch') {
    throw new VcIssuerMismatchError(
      `the credential names issuer ${JSON.stringify(String(issuer).slice(0, 200))} but ` +
        `key ${key.id} is trusted for ${binding.identities.join(', ')} only; bind the key to ` +
        `that issuer in the trust (an "issuer" on its trust-list entry, or --trust ` +
        `ISSUER=FILE) if it really signs for it`,
    );
  }
}

function checkValidity(credential: JsonObject, now: Date): void {
  const date = (field: string): Date | undefined => {
    const value = credential[field];
    if (value === undefined) return undefined;
    const parsed = parseDateTime(value);
    if (!parsed) throw new VcMalformedError(`${field} is not an xsd:dateTime`);
    return parsed;
  };
  for (const field of ['issuanceDate', 'validFrom']) {
    const from = date(field);
    if (from && now < from)
      throw new VcNotYetValidError(`credential is not valid before ${from.toISOString()} (${field})`);
  }
  for (const field of ['expirationDate', 'validUntil']) {
    const until = date(field);
    if (until && now > until) throw new VcExpiredError(`credential expired ${until.toISOString()} (${field})`);
  }
}

async function checkSchema(credential: JsonObject, options: VerifyOptions): Promise<Check> {
  if (options.checkSchema === false) return ok('schema', 'schema check disabled');
  const registry = options.registry ?? defaultRegistry;
  let known = false;
  try {
    known = registry.resolve(credential) !== undefined;
  } catch {
    known = false;
  }
  // A credential type nobody registered has no schema to break: report it, do not fail it.
  if (!known) return ok('schema', 'no schema registered for this credential type');
  // The async form loads the built-in types' validators on first use: browser verifiers download them only then.
  const result = await validateCredentialAsync(credential, { registry });
  if (result.valid) return ok('schema');
  const head = result.issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = result.issues.length > 5 ? ` (+${result.issues.length - 5} more)` : '';
  return fail('schema', new VcSchemaInvalidError(`${head}${more}`));
}

/**
 * One loader per registry, kept: resolved contexts (and the fast canonicaliser's compiled ones) are cached per
 * loader, so a fresh loader per call would redo all context work every time. The loader consults the registry at
 * each call, so types registered later are still served.
 */
const registryLoaders = new WeakMap<object, DocumentLoader>();
export function loaderForRegistry(registry: NonNullable<VerifyOptions['registry']>): DocumentLoader {
  let loader = registryLoaders.get(registry);
  if (!loader) {
    loader = createDocumentLoader({ registry });
    registryLoaders.set(registry, loader);
  }
  return loader;
}

/**
 * Verifies a W3C Verifiable Credential. Never throws for bad input: every failure is a check with a stable
 * `code`. Checks, in order: `decode`, `signature`, `trust`, `validity`, `schema`; `valid` is true only when all
 * pass. When `decode` fails nothing else can be checked, so it is the only check reported.
 */
export async function verifyCredential(
  credential: unknown,
  options: VerifyOptions,
): Promise<CredentialVerificationResult> {
  const result: CredentialVerificationResult = { valid: false, format: 'w3c-vc', checks: [] };
  const trustStore = trustStoreOf(options);
  if (typeof trustStore?.resolve !== 'function') {
    throw new TypeError('verifyCredential: options.trust is required');
  }
  const now = options.now ?? new Date();
  const documentLoader =
    options.documentLoader ?? (options.registry ? loaderForRegistry(options.registry) : defaultDocumentLoader());
  const context: SuiteContext = { documentLoader, canonize: memoizedCanonize({ documentLoader }) };

  let decoded: Decoded;
  try {
    decoded = await decode(credential, context);
  } catch (error) {
    result.checks.push(fail('decode', toVcError(error)));
    return result;
  }
  result.checks.push(ok('decode'));
  if (decoded.ambiguous.length > 0) result.ambiguousTerms = decoded.ambiguous;
  result.credential = decoded.credential;
  if (decoded.issuer) result.issuer = decoded.issuer;
  const { proof, document } = decoded;
  // With relative node ids, the proof is checked over what a signer without safe mode signed: the rest.
  const relativeIds = new Set(decoded.relativeIds.map((r) => r.id));
  const suiteContext: SuiteContext =
    relativeIds.size === 0
      ? context
      : { documentLoader, canonize: (doc) => canonizeDroppingRelativeIds(doc, relativeIds, { documentLoader }) };
  result.suite = typeof proof.cryptosuite === 'string' ? proof.cryptosuite : proof.type;

  // signature
  let verifiedBy: TrustedKey | null = null;
  let candidates: TrustedKey[] = [];
  let id: string | undefined;
  try {
    id = verificationMethodOf(proof);
    result.verificationMethod = id;
    candidates = resolveKeys(trustStore, id);
    const suite = suiteForProof(proof, [...(options.suites ?? []), ...Object.values(builtInSuites)]);
    if (!suite) {
      throw new VcUnsupportedSuiteError(
        `unsupported proof ${proof.type}${proof.cryptosuite ? ` / ${String(proof.cryptosuite)}` : ''}`,
      );
    }
    if (candidates.length === 0)
      throw new VcKeyNotTrustedError(`no trusted key answers to ${JSON.stringify(id)}; cannot verify`);
    verifiedBy = await suite.verifyProof({ document, proof, keys: candidates, context: suiteContext });
    if (!verifiedBy) {
      throw new VcSignatureInvalidError(
        `signature does not verify ` +
          `under ${candidates.length === 1 ? 'the trusted key' : `any of ${candidates.length} trusted keys`} ` +
          `for ${id}`,
      );
    }
    result.signer = verifiedBy;
    const signedAt = parseDateTime(proof.created);
    if (signedAt) result.signedAt = signedAt;
    // The proof verifies, over less than the credential shows. Failed here rather than in `schema` (which a caller
    // may switch off, and which passes credential types without a schema): no option makes unsigned data VALID.
    if (decoded.relativeIds.length > 0) throw unsignedIdError(decoded.relativeIds);
    result.checks.push(ok('signature'));
  } catch (error) {
    // No WebCrypto here: nothing was checked, which is not a bad signature.
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(fail('signature', toVcError(error)));
  }

  // trust: the key that verified; failing that, the first candidate, so its window/purpose is still reported.
  try {
    checkTrust(verifiedBy ?? candidates[0], proof, id ?? '', now, decoded.issuer);
    result.checks.push(ok('trust'));
  } catch (error) {
    result.checks.push(fail('trust', toVcError(error)));
  }

  try {
    checkValidity(decoded.credential, now);
    result.checks.push(ok('validity'));
  } catch (error) {
    result.checks.push(fail('validity', toVcError(error)));
  }

  try {
    result.checks.push(await checkSchema(decoded.credential, options));
  } catch (error) {
    result.checks.push(fail('schema', toVcError(error)));
  }

  result.valid = result.checks.every((c) => c.ok);
  return result;
}
