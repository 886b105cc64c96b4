/**
 * CMS (RFC 5652) SignedData signatures, checked with the DER reader of `der.ts` and WebCrypto: runtime-neutral.
 * Only what verifying a detached signature needs (the EU DCC Gateway signs its trust-list entries this way); no CMS
 * is built here.
 */
import { CertificateInvalidError, isPlatformUnsupportedError } from '../lib/errors.js';
import { bufferSource, subtleCrypto } from '../sign/webcrypto.js';
import type { X509CertificateInfo } from './certificate.js';
import { TAG, children, expectTag, readOid, readOnly, type DerNode } from './der.js';
import { verifyWithPublicKey } from './verify.js';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512';
const DIGESTS: Record<string, Hash> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
/**
 * CMS names a signature by key type alone (id-ecPublicKey, rsaEncryption) with the digest algorithm giving the hash.
 */
const ECDSA_WITH: Record<Hash, string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};
const RSA_WITH: Record<Hash, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};

/** A CMS message is a certificate-sized thing here; refuse anything far bigger before reading it. */
export const MAX_CMS_BYTES = 256 * 1024;

/** Outcome of `verifyCmsDetachedSignature`. */
export type CmsVerification = { valid: true; signer: X509CertificateInfo } | { valid: false; reason: string };

interface SignerInfo {
  digest: Hash;
  signedAttributes?: DerNode;
  signatureAlgorithm: { oid: string; parameters?: Uint8Array };
  signature: Uint8Array;
}

function fail(message: string): never {
  throw new CertificateInvalidError(`CMS: ${message}`);
}

function algorithmOf(node: DerNode | undefined, what: string): { oid: string; parameters?: Uint8Array } {
  const [oid, parameters] = children(expectTag(node, TAG.SEQUENCE, what));
  const out: { oid: string; parameters?: Uint8Array } = { oid: readOid(oid, what) };
  if (parameters && parameters.tag !== TAG.NULL) out.parameters = new Uint8Array(parameters.raw);
  return out;
}

function digestOf(node: DerNode | undefined, what: string): Hash {
  const { oid } = algorithmOf(node, what);
  const hash = DIGESTS[oid];
  if (!hash) fail(`${what} ${oid} is not SHA-256, SHA-384 or SHA-512`);
  return hash;
}

/** ContentInfo → SignedData: the encapsulated content (type, and content when embedded) and the one SignerInfo. */
function readSignedData(cms: Uint8Array): { contentType: string; content?: Uint8Array; signer: SignerInfo } {
  const [type, wrapped, ...rest] = children(expectTag(readOnly(cms, 'ContentInfo'), TAG.SEQUENCE, 'ContentInfo'));
  if (rest.length > 0) fail('extra fields after ContentInfo.content');
  if (readOid(type, 'contentType') !== OID_SIGNED_DATA) fail('ContentInfo is not SignedData');
  const explicit = children(expectTag(wrapped, 0xa0, 'ContentInfo.content'));
  if (explicit.length !== 1) fail('ContentInfo.content must hold one SignedData');
  const fields = children(expectTag(explicit[0], TAG.SEQUENCE, 'SignedData'));
  let i = 0;
  expectTag(fields[i++], TAG.INTEGER, 'SignedData.version');
  expectTag(fields[i++], TAG.SET, 'SignedData.digestAlgorithms');
  const [eType, eContent, ...eRest] = children(expectTag(fields[i++], TAG.SEQUENCE, 'encapContentInfo'));
  if (eRest.length > 0) fail('extra fields in encapContentInfo');
  const contentType = readOid(eType, 'eContentType');
  let content: Uint8Array | undefined;
  if (eContent) {
    const inner = children(expectTag(eContent, 0xa0, 'eContent'));
    if (inner.length !== 1) fail('eContent must hold one OCTET STRING');
    content = expectTag(inner[0], TAG.OCTET_STRING, 'eContent').value;
  }
  // certificates [0] and crls [1] (IMPLICIT) are optional and not used: the caller names the keys it trusts.
  if (fields[i]?.tag === 0xa0) i++;
  if (fields[i]?.tag === 0xa1) i++;
  const infos = children(expectTag(fields[i++], TAG.SET, 'SignedData.signerInfos'));
  if (i !== fields.length) fail('extra fields after signerInfos');
  // The gateway's parser (dgc-lib SignedMessageParser) accepts exactly one signer; so do we.
  if (infos.length !== 1) fail(`SignedData has ${infos.length} SignerInfos, expected exactly 1`);
  return { contentType, ...(content !== undefined ? { content } : {}), signer: readSignerInfo(infos[0]!) };
}

function readSignerInfo(node: DerNode): SignerInfo {
  const fields = children(expectTag(node, TAG.SEQUENCE, 'SignerInfo'));
  let i = 0;
  expectTag(fields[i++], TAG.INTEGER, 'SignerInfo.version');
  const sid = fields[i++];
  if (!sid || (sid.tag !== TAG.SEQUENCE && sid.tag !== 0x80))
    fail('SignerInfo.sid is neither IssuerAndSerialNumber nor a subjectKeyIdentifier');
  const digest = digestOf(fields[i++], 'SignerInfo.digestAlgorithm');
  let signedAttributes: DerNode | undefined;
  if (fields[i]?.tag === 0xa0) signedAttributes = fields[i++];
  const signatureAlgorithm = algorithmOf(fields[i++], 'SignerInfo.signatureAlgorithm');
  const signature = expectTag(fields[i++], TAG.OCTET_STRING, 'SignerInfo.signature').value;
  if (fields[i]?.tag === 0xa1) i++;
  if (i !== fields.length) fail('extra fields in SignerInfo');
  return { digest, ...(signedAttributes ? { signedAttributes } : {}), signatureAlgorithm, signature };
}

/** The one value of a signed attribute that must appear exactly once (RFC 5652 §11). */
function singleAttribute(attributes: DerNode, oid: string, what: string): DerNode {
  let found: DerNode | undefined;
  for (const attribute of children(attributes)) {
    const [type, values] = children(expectTag(attribute, TAG.SEQUENCE, 'signed attribute'));
    if (readOid(type, 'signed attribute type') !== oid) continue;
    if (found) fail(`${what} attribute appears twice`);
    const list = children(expectTag(values, TAG.SET, `${what} values`));
    if (list.length !== 1) fail(`${what} attribute must have exactly one value`);
    found = list[0]!;
  }
  if (!found) fail(`signed attributes lack ${what}`);
  return found;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** What the SignerInfo's signature covers: the signed attributes re-tagged as a SET, or the content itself. */
async function signedBytes(signer: SignerInfo, contentType: string, content: Uint8Array): Promise<Uint8Array> {
  if (!signer.signedAttributes) return content;
  const attributes = signer.signedAttributes;
  if (readOid(singleAttribute(attributes, OID_CONTENT_TYPE, 'content-type'), 'content-type') !== contentType)
    fail('content-type attribute does not match eContentType');
  const digest = expectTag(
    singleAttribute(attributes, OID_MESSAGE_DIGEST, 'message-digest'),
    TAG.OCTET_STRING,
    'message-digest',
  ).value;
  const actual = new Uint8Array(await subtleCrypto().digest(signer.digest, bufferSource(content)));
  if (!equalBytes(digest, actual)) throw new DigestMismatch();
  const der = new Uint8Array(attributes.raw);
  der[0] = TAG.SET; // RFC 5652 §5.4: the DER of SET OF Attribute, not of the [0] IMPLICIT field.
  return der;
}

class DigestMismatch extends Error {}

function signatureAlgorithm(signer: SignerInfo): { oid: string; parameters?: Uint8Array } {
  if (signer.signatureAlgorithm.oid === OID_EC_PUBLIC_KEY) return { oid: ECDSA_WITH[signer.digest] };
  if (signer.signatureAlgorithm.oid === OID_RSA_ENCRYPTION) return { oid: RSA_WITH[signer.digest] };
  return signer.signatureAlgorithm;
}

/**
 * Verify a CMS SignedData (DER bytes) as a signature over `content` by one of `signers`' keys: one SignerInfo,
 * eContentType id-data, the content detached (or embedded and equal to `content`), signed attributes with the
 * right content type and message digest when present (SHA-256/384/512), then the signature with ECDSA, RSA PKCS#1
 * v1.5, RSASSA-PSS or Ed25519. Certificates the message carries are ignored: only the keys the caller trusts count.
 * Resolves `{ valid: false, reason }` for anything else; never rejects.
 */
export async function verifyCmsDetachedSignature(
  cms: Uint8Array,
  content: Uint8Array,
  signers: readonly X509CertificateInfo[],
): Promise<CmsVerification> {
  if (!(cms instanceof Uint8Array) || cms.length === 0) return { valid: false, reason: 'the signature is empty' };
  if (cms.length > MAX_CMS_BYTES)
    return { valid: false, reason: `the signature is larger than ${MAX_CMS_BYTES} bytes` };
  if (!(content instanceof Uint8Array)) return { valid: false, reason: 'no content to check the signature over' };
  try {
    const parsed = readSignedData(cms);
    if (parsed.contentType !== OID_DATA)
      return { valid: false, reason: `eContentType is ${parsed.contentType}, not id-data` };
    if (parsed.content !== undefined && !equalBytes(parsed.content, content))
      return { valid: false, reason: 'the embedded content is not the signed certificate' };
    let data: Uint8Array;
    try {
      data = await signedBytes(parsed.signer, parsed.contentType, content);
    } catch (error) {
      if (error instanceof DigestMismatch)
        return { valid: false, reason: 'the message-digest attribute does not match the certificate' };
      throw error;
    }
    const algorithm = signatureAlgorithm(parsed.signer);
    for (const signer of signers) {
      if (await verifyWithPublicKey(signer, algorithm, data, parsed.signer.signature)) return { valid: true, signer };
    }
    return {
      valid: false,
      reason:
        signers.length === 0
          ? 'no key to check the signature with'
          : 'the signature does not verify with any of the given keys',
    };
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    return {
      valid: false,
      reason: `malformed CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
