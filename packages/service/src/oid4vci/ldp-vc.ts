import { defaultRegistry, type CredentialTypeDefinition } from '@divoc/schemas';
import { issueW3cCredential } from '@divoc/issuer';
import type { VcSigningKey } from '@divoc/vc';
import { Oid4vciError } from './errors.js';
import type { FormatIssueInput, FormatIssued, Oid4vciFormatIssuer } from './types.js';

/** What the `ldp_vc` issuer signs with: the service's W3C VC key. */
export interface LdpVcIssuerOptions {
  key: VcSigningKey;
  /** The Data Integrity cryptosuite or proof type the key signs with (advertised in the metadata). */
  suiteName: string;
  vcVersion?: '1.1' | '2.0';
}

const BASE_CONTEXT = { '1.1': 'https://www.w3.org/2018/credentials/v1', '2.0': 'https://www.w3.org/ns/credentials/v2' };

/**
 * True when the type's credential schema lets `credentialSubject` carry an `id` (every built-in type does: the
 * person's identity IRI). A custom type whose subject has no `id` gets no holder binding.
 */
function subjectTakesId(definition: CredentialTypeDefinition): boolean {
  const subject = (definition.schema as { properties?: { credentialSubject?: Record<string, unknown> } }).properties
    ?.credentialSubject;
  if (subject === undefined) return true;
  const properties = subject.properties as Record<string, unknown> | undefined;
  return properties?.id !== undefined || subject.additionalProperties !== false;
}

/**
 * The `ldp_vc` format: the same Data Integrity credential `/credentials/issue` signs for the record, with the holder
 * bound by `credentialSubject.id` = the holder key's `did:key` (replacing the registry identity in the wallet copy; the
 * certificate id still names the registry record). The copy carries its own status entry, so it is revoked alone.
 */
export function createLdpVcIssuer(options: LdpVcIssuerOptions): Oid4vciFormatIssuer {
  const vcVersion = options.vcVersion ?? '1.1';
  return {
    format: 'ldp_vc',
    statusKind: 'bitstring',
    configuration(template) {
      const definition = defaultRegistry.get(template);
      return {
        credential_definition: {
          '@context': [BASE_CONTEXT[vcVersion], ...definition.contextUrls],
          type: ['VerifiableCredential', definition.credentialType],
        },
        // Absent (not empty) when the type cannot carry the holder's DID: the credential is then not key-bound.
        ...(subjectTakesId(definition) ? { cryptographic_binding_methods_supported: ['did:key'] } : {}),
        credential_signing_alg_values_supported: [options.suiteName],
      };
    },
    async issue(input: FormatIssueInput): Promise<FormatIssued> {
      const definition = defaultRegistry.get(input.template);
      const unsigned: Record<string, unknown> = { ...input.unsigned };
      if (subjectTakesId(definition)) {
        if (input.holder.did === undefined)
          throw new Oid4vciError('invalid_proof', 'ldp_vc binds to did:key holder keys (Ed25519 or P-256)');
        const subject = unsigned.credentialSubject;
        if (subject !== null && typeof subject === 'object' && !Array.isArray(subject))
          unsigned.credentialSubject = { ...(subject as Record<string, unknown>), id: input.holder.did };
      }
      const signed = (await issueW3cCredential(unsigned, {
        key: options.key,
        ...(input.bitstringStatus !== undefined ? { credentialStatus: input.bitstringStatus } : {}),
      })) as unknown as Record<string, unknown>;
      return { credential: signed, store: { credential: signed } };
    },
  };
}
