/**
 * The few calls the CLI makes into `@divoc/schemas` and `@divoc/vc` for issuing, kept in one place so the
 * commands stay independent of those packages' exact option shapes.
 */
import type { KeyType } from '@divoc/keys';
import { RecordValidationError, buildCredential, defaultRegistry } from '@divoc/schemas';
import { issueCredential, type SignedCredential, type SuiteName } from '@divoc/vc';
import type { FieldError } from '@divoc/bulk';
import { signerFor, type LoadedKey } from './keyfile.js';

export const BUILT_IN_TEMPLATES = ['vaccination', 'vaccination-v2', 'test', 'recovery'] as const;

/** Suites each key type can sign, the first being the default. */
export const SUITES_BY_KEY_TYPE: Record<KeyType, readonly SuiteName[]> = {
  Ed25519: ['eddsa-rdfc-2022', 'Ed25519Signature2020', 'Ed25519Signature2018'],
  'P-256': ['ecdsa-rdfc-2019'],
  RSA: ['RsaSignature2018'],
};

export const ALL_SUITES: readonly SuiteName[] = [
  'eddsa-rdfc-2022',
  'Ed25519Signature2020',
  'ecdsa-rdfc-2019',
  'RsaSignature2018',
  'Ed25519Signature2018',
];

/** Template names `--template` accepts: the built-ins plus custom types registered in the default registry. */
export function templateNames(): string[] {
  const names = new Set<string>(BUILT_IN_TEMPLATES);
  for (const definition of defaultRegistry.list()) names.add(definition.name);
  return [...names];
}

/**
 * Field names a template's record may have, from its record schema; undefined when the type declares none
 * (then every field is passed through and the type's own checks decide).
 */
export function recordFieldNames(template: string): ReadonlySet<string> | undefined {
  if (!defaultRegistry.has(template)) return undefined;
  const schema = defaultRegistry.get(template).recordSchema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ? new Set(Object.keys(schema.properties)) : undefined;
}

export type BuildResult = { ok: true; credential: Record<string, unknown> } | { ok: false; errors: FieldError[] };

export function buildFromRecord(
  template: string,
  record: Record<string, unknown>,
  options: {
    issuer: string;
    certificateId: string;
    issuanceDate?: Date;
    vcVersion?: '1.1' | '2.0';
    context?: 'sdk' | 'divoc-legacy';
  },
): BuildResult {
  try {
    // The certificate id travels in the record: that is where DIVOC registries keep it.
    const credential = buildCredential(
      template,
      { ...record, certificateId: options.certificateId },
      {
        issuer: options.issuer,
        ...(options.issuanceDate ? { issuanceDate: options.issuanceDate } : {}),
        ...(options.vcVersion ? { vcVersion: options.vcVersion } : {}),
        ...(options.context ? { context: options.context } : {}),
      },
    );
    return { ok: true, credential: credential as Record<string, unknown> };
  } catch (error) {
    if (error instanceof RecordValidationError) {
      return {
        ok: false,
        errors: error.issues.map((issue) => ({ field: fieldOfPath(issue.path), reason: issue.message })),
      };
    }
    throw error;
  }
}

/** `$.evidence[0].batch` → `evidence[0].batch`; `$` → `(record)`. */
export function fieldOfPath(path: string): string {
  const field = path.replace(/^\$\.?/, '');
  return field === '' ? '(record)' : field;
}

export interface CredentialIssuer {
  suite: SuiteName;
  issue(credential: Record<string, unknown>): Promise<SignedCredential>;
}

export function makeIssuer(key: LoadedKey, suite: SuiteName): CredentialIssuer {
  const signer = signerFor(key, { id: key.id });
  return {
    suite,
    issue: (credential) => issueCredential(credential as never, { signer, suite }),
  };
}
