import { defaultDocumentLoader, memoizedCanonize } from '../canonize/index.js';
import { VcMalformedError, VcSuiteAlgorithmMismatchError, VcUnsupportedSuiteError } from '../lib/errors.js';
import { asArray, cloneJson, isJsonObject, parseDateTime, toSecondsPrecision } from '../lib/json.js';
import { isSuiteName, suites } from '../suites/index.js';
import type {
  IssueOptions,
  JsonObject,
  JsonValue,
  Proof,
  ProofSuite,
  SignedCredential,
  UnsignedCredential,
} from '../types.js';

function resolveSuite(suite: IssueOptions['suite']): ProofSuite {
  if (suite === undefined) return suites['eddsa-rdfc-2022'];
  if (isSuiteName(suite)) return suites[suite];
  if (isJsonObject(suite as unknown) && typeof (suite as ProofSuite).createProof === 'function')
    return suite as ProofSuite;
  throw new VcUnsupportedSuiteError(`unknown proof suite ${JSON.stringify(String(suite))}`);
}

function formatCreated(created: IssueOptions['created']): string {
  if (created === undefined) return toSecondsPrecision(new Date());
  if (created instanceof Date) {
    if (Number.isNaN(created.getTime())) throw new VcMalformedError('options.created is an invalid Date');
    return toSecondsPrecision(created);
  }
  if (parseDateTime(created) === undefined) {
    throw new VcMalformedError(`options.created ${JSON.stringify(String(created))} is not an xsd:dateTime`);
  }
  return created;
}

/** The credential's contexts, plus the suite's context when no present context defines the suite's terms. */
function contextWithSuite(context: JsonValue | undefined, suite: ProofSuite): JsonValue {
  if (context === undefined) return [];
  const contexts = asArray<JsonValue>(context);
  const url = suite.contextUrl;
  if (!url) return context;
  const defined = contexts.some((c) => c === url || (typeof c === 'string' && suite.contextIncludedBy?.includes(c)));
  return defined ? context : [...contexts, url];
}

/**
 * Signs a credential: returns a copy with the suite's context added (unless `addSuiteContext: false`) and a
 * `proof`. The input is never modified. JSON-LD runs in safe mode, so a term the contexts do not define is an
 * error (`ERR_JSONLD_SAFE_MODE`) rather than data left out of the signature.
 */
// Accepts any JSON object shape (e.g. `buildCredential` output from @divoc/schemas): it is checked at run time.
export async function issueCredential(
  credential: UnsignedCredential | Readonly<Record<string, unknown>>,
  options: IssueOptions,
): Promise<SignedCredential> {
  return signDocument(credential, options, 'credential', {}, 'issueCredential') as Promise<SignedCredential>;
}

/**
 * Signs a JSON-LD document (a credential or a presentation): checks, suite and signer match, copy, suite context,
 * proof. `what` names the document in errors; `extra` carries a presentation proof's `challenge` and `domain`.
 */
export async function signDocument(
  input: unknown,
  options: IssueOptions,
  what: 'credential' | 'presentation',
  extra: { challenge?: string; domain?: string },
  caller: string,
): Promise<JsonObject & { proof: Proof }> {
  if (!isJsonObject(input)) throw new VcMalformedError(`${what} must be a JSON object`);
  if (input['@context'] === undefined) throw new VcMalformedError(`${what} has no @context`);
  if (input.type === undefined) throw new VcMalformedError(`${what} has no type`);
  if (input.proof !== undefined) throw new VcMalformedError(`${what} already has a proof`);
  const signer = options?.signer;
  if (!signer || typeof signer.sign !== 'function' || typeof signer.algorithm !== 'string') {
    throw new TypeError(`${caller}: options.signer must be a Signer from @divoc/keys`);
  }
  const suite = resolveSuite(options.suite);
  if (!suite.algorithms.includes(signer.algorithm)) {
    throw new VcSuiteAlgorithmMismatchError(
      `${suite.cryptosuite ?? suite.type} signs with ${suite.algorithms.join(' or ')}, but the signer ` +
        `uses ${signer.algorithm}`,
    );
  }
  const verificationMethod = options.verificationMethod ?? signer.id;
  if (typeof verificationMethod !== 'string' || verificationMethod.length === 0) {
    throw new VcMalformedError('no verification method: give options.verificationMethod or a signer with an id');
  }
  const proofPurpose = options.proofPurpose ?? 'assertionMethod';
  const created = formatCreated(options.created);

  let document: JsonObject;
  try {
    document = cloneJson(input);
  } catch (cause) {
    throw new VcMalformedError(`${what} is not JSON data`, { cause });
  }
  if (options.addSuiteContext !== false) {
    document = { ...document, '@context': contextWithSuite(document['@context'], suite) };
  }
  const documentLoader = options.documentLoader ?? defaultDocumentLoader();
  const proof = await suite.createProof({
    document,
    signer,
    options: { verificationMethod, created, proofPurpose, ...extra },
    context: { documentLoader, canonize: memoizedCanonize({ documentLoader }) },
  });
  return { ...document, proof };
}
