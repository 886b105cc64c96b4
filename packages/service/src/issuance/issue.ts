/**
 * The signing work of an issue request, as plain data in and out, so that it runs the same on the main thread and on
 * an issuance thread (`threads`): a checked record (or an unsigned credential) and its status entry go in; the signed
 * credential and the API's text outputs come out. Storage, idempotency and status allocation stay on the main thread.
 */
import { FORMATS } from '@divoc/formats';
import { issueAllFormats, issueW3cCredential, isIssuerError, type IssuedOutputs, type IssuerKeys } from '@divoc/issuer';
import type { BitstringStatusListEntry } from '@divoc/status';
import { isVcError, type SuiteName } from '@divoc/vc';
import type { IssuableFormat, ServiceKeys } from '../config/types.js';
import { ServiceError } from '../lib/errors.js';

/** What every issuance needs besides the request: plain data, sent to each issuance thread once. */
export interface IssuanceSettings {
  issuer: string;
  vcSuite: SuiteName;
  vcVerificationMethod: string;
  certificateIssuerName?: string;
  vcVersion?: '1.1' | '2.0';
  context?: 'sdk' | 'divoc-legacy';
}

/** A record to certify: already checked for unknown fields, with its certificate id and status entry. */
export interface RecordTask {
  record: Readonly<Record<string, unknown>>;
  template: string;
  formats: readonly IssuableFormat[];
  certificateId: string;
  credentialStatus?: BitstringStatusListEntry;
}

/** A VC-API credential to sign (issuer set, no proof), with its status entry. */
export interface CredentialTask {
  credential: Record<string, unknown>;
  credentialStatus?: BitstringStatusListEntry;
}

/** The signed credential and each format's output as the API returns it (texts), with per-format failures. */
export interface RecordResult {
  credential: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** The service's keys as `@divoc/issuer` takes them (the same mapping the service makes). */
export function issuerKeysOf(
  keys: ServiceKeys,
  settings: Pick<IssuanceSettings, 'vcSuite' | 'vcVerificationMethod'>,
): IssuerKeys {
  return {
    vc: { signer: keys.vc.signer, suite: settings.vcSuite, verificationMethod: settings.vcVerificationMethod },
    ...(keys.dsc ? { dsc: keys.dsc } : {}),
    ...(keys.dcc ? { dcc: keys.dcc } : {}),
    ...(keys.vdsnc ? { vdsnc: keys.vdsnc } : {}),
    ...(keys.dvc ? { dvc: keys.dvc } : {}),
    ...(keys.shc ? { shc: keys.shc } : {}),
  };
}

/** Each format's output as the API returns it (its plugin says which fields: texts, no images). */
export function textOutputs(outputs: IssuedOutputs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const plugin of FORMATS.plugins) {
    const output = (outputs as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>)[plugin.name];
    const shown = output === undefined ? undefined : plugin.apiOutput(output);
    if (shown !== undefined) out[plugin.name] = shown;
  }
  return out;
}

/** An issuer or VC error the client caused (a bad record or credential), as the service answers it; else undefined. */
export function issuanceClientError(error: unknown): ServiceError | undefined {
  if (isIssuerError(error)) {
    const details = 'issues' in error ? (error as { issues: unknown }).issues : undefined;
    if (error.code === 'ERR_ISSUER_FORMAT_FAILED' || error.code === 'ERR_ISSUER_KEY_MISSING') return undefined;
    return new ServiceError('ERR_RECORD_INVALID', 422, error.message, details !== undefined ? { details } : {});
  }
  if (
    isVcError(error) &&
    (error.code === 'ERR_VC_MALFORMED' ||
      error.code === 'ERR_JSONLD_SAFE_MODE' ||
      error.code === 'ERR_JSONLD_UNKNOWN_URL' ||
      error.code === 'ERR_VC_SCHEMA_INVALID')
  ) {
    return new ServiceError('ERR_CREDENTIAL_INVALID', 422, error.message);
  }
  return undefined;
}

/** Builds, signs and encodes a record in every asked format. */
export async function issueRecord(
  settings: IssuanceSettings,
  keys: IssuerKeys,
  task: RecordTask,
): Promise<RecordResult> {
  const issued = await issueAllFormats(
    { record: task.record, template: task.template },
    {
      keys,
      issuer: settings.issuer,
      formats: [...task.formats],
      certificateId: task.certificateId,
      ...(settings.certificateIssuerName !== undefined
        ? { certificateIssuerName: settings.certificateIssuerName }
        : {}),
      ...(settings.vcVersion !== undefined ? { vcVersion: settings.vcVersion } : {}),
      ...(settings.context !== undefined ? { context: settings.context } : {}),
      // The entry allocate() took (and persisted) on the real list: the issuer adds it before signing.
      ...(task.credentialStatus !== undefined ? { credentialStatus: task.credentialStatus } : {}),
    },
  );
  const vc = issued.outputs['w3c-vc'];
  if (vc === undefined) {
    const failure = issued.errors?.['w3c-vc'];
    throw new ServiceError(
      'ERR_ISSUANCE_FAILED',
      500,
      `the W3C credential could not be signed${failure ? ` (${failure.code})` : ''}`,
    );
  }
  return {
    credential: vc.credential as unknown as Record<string, unknown>,
    outputs: { ...textOutputs(issued.outputs), ...(issued.errors !== undefined ? { errors: issued.errors } : {}) },
  };
}

/** Adds the status entry to a VC-API credential and signs it with the VC key. */
export async function signCredential(
  settings: IssuanceSettings,
  keys: IssuerKeys,
  task: CredentialTask,
): Promise<Record<string, unknown>> {
  const vc = keys.vc;
  if (vc === undefined) throw new ServiceError('ERR_ISSUANCE_FAILED', 500, 'no VC key');
  const signed = await issueW3cCredential(task.credential, {
    key: {
      signer: 'sign' in vc ? vc : vc.signer,
      suite: settings.vcSuite,
      verificationMethod: settings.vcVerificationMethod,
    },
    ...(task.credentialStatus !== undefined ? { credentialStatus: task.credentialStatus } : {}),
  });
  return signed as unknown as Record<string, unknown>;
}
