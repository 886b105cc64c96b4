import type { DocumentSignerKey } from '@divoc/keys';
import {
  FormatIssueError,
  projectCredential,
  shortCertificateId,
  type DdccCoreDataSet,
  type DdccHumanName,
} from '@divoc/schemas';
import { issueVdsnc } from '../issue/index.js';
import type { VdsncSeal } from '../types.js';

/** VDS-NC `pid.n` holds at most 39 characters (the ICAO 9303 TD3 name field). */
export const VDSNC_MAX_NAME = 39;

/** The name the seal carries: the Latin spelling when the record has one (unless `as-written`), else the name. */
export function vdsncNameOf(ddcc: DdccCoreDataSet, choice: 'latin' | 'as-written' = 'latin'): DdccHumanName {
  return choice === 'latin' && ddcc.person.name.latin !== undefined ? ddcc.person.name.latin : ddcc.person.name;
}

/**
 * Issues a VDS-NC seal from the DDCC core data set (vaccination or test; a recovery, or a name longer than 39
 * characters, is a `FormatIssueError`), with its certificate id.
 */
export async function issueVdsncFromDdcc(
  credential: Readonly<Record<string, unknown>>,
  ddcc: DdccCoreDataSet,
  key: DocumentSignerKey,
  options: { name?: 'latin' | 'as-written' },
): Promise<{ seal: VdsncSeal; id: string }> {
  if (ddcc.kind === 'recovery')
    throw new FormatIssueError(
      'vdsnc',
      'ERR_ISSUER_FORMAT_UNSUPPORTED',
      'VDS-NC has proofs of vaccination and testing only',
    );
  const name = vdsncNameOf(ddcc, options.name);
  if (name.text.length > VDSNC_MAX_NAME) {
    throw new FormatIssueError(
      'vdsnc',
      'ERR_ISSUER_FIELD_TOO_LONG',
      `the name is longer than the ${VDSNC_MAX_NAME} characters a VDS-NC seal holds`,
    );
  }
  const id = shortCertificateId(ddcc.certificate.hcid);
  const projected = projectCredential(credential, ddcc, { name, certificateId: id });
  return { seal: await issueVdsnc(projected, { signer: key.signer, certificate: key.certificate }), id };
}
