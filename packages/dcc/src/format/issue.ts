import type { DocumentSignerKey } from '@divoc/keys';
import { FormatIssueError, type DdccCoreDataSet, type DdccName } from '@divoc/schemas';
import { issueDcc, type IssuedDcc } from '../issue/issue.js';
import { transliterateIcao } from '../issue/transliterate.js';
import type { DccName } from '../types.js';

/** DCC `is` holds at most 80 characters. */
const MAX_ISSUER = 80;

/**
 * DCC `nam` from the DDCC name: `fn`/`gn` as written, `fnt`/`gnt` ICAO 9303 from the Latin spelling the record gave
 * (`nameLatin`), else from the name itself (works for Latin, Cyrillic and Greek scripts only).
 */
export function dccNameOf(name: DdccName): DccName {
  const latin = name.latin ?? name;
  const out: DccName = {};
  if (name.family !== undefined) out.fn = name.family;
  if (name.given !== undefined) out.gn = name.given;
  const fnt = latin.family !== undefined ? transliterateIcao(latin.family) : '';
  const gnt = latin.given !== undefined ? transliterateIcao(latin.given) : '';
  if (fnt) out.fnt = fnt;
  if (gnt) out.gnt = gnt;
  if ((out.fn !== undefined && !fnt) || (out.gn !== undefined && !gnt) || (!fnt && !gnt)) {
    throw new FormatIssueError(
      'dcc',
      'ERR_ISSUER_NAME_NOT_LATIN',
      `the name ${JSON.stringify(name.text)} has no Latin transliteration for fnt/gnt: give nameLatin in the record`,
    );
  }
  return out;
}

/** Refuses, with a typed code, what the EU value sets cannot express, before the DCC package is asked. */
function checkMappable(ddcc: DdccCoreDataSet): void {
  const unmappable = (message: string): never => {
    throw new FormatIssueError('dcc', 'ERR_ISSUER_VALUE_UNMAPPABLE', message);
  };
  if (ddcc.kind === 'vaccination') {
    const v = ddcc.vaccination;
    if (v.brand.euProduct === undefined)
      unmappable(`vaccine ${JSON.stringify(v.brand.display)} has no EU value-set code (mp)`);
    if (v.disease.code !== 'RA01')
      unmappable(
        `disease ${JSON.stringify(v.disease.display ?? v.disease.code)} has no EU code (the DCC covers COVID-19)`,
      );
    if (v.country === undefined) unmappable('the country of vaccination is not an ISO 3166-1 country');
  } else if (ddcc.kind === 'test') {
    const t = ddcc.test;
    if (t.type.category !== 'naat' && t.type.category !== 'antigen')
      unmappable(`test type ${JSON.stringify(t.type.display)} is neither a NAAT nor a rapid antigen test`);
    if (t.result.outcome !== 'negative' && t.result.outcome !== 'positive')
      unmappable(`test result ${JSON.stringify(t.result.display)} is neither positive nor negative`);
    if (t.pathogen.code !== 'RA01') unmappable('the DCC covers COVID-19 tests only');
    if (t.country === undefined) unmappable('the country of the test is not an ISO 3166-1 country');
  } else {
    if (ddcc.recovery.disease.code !== 'RA01') unmappable('the DCC covers COVID-19 recovery only');
    if (ddcc.recovery.country === undefined) unmappable('the country is not an ISO 3166-1 country');
  }
}

function countryOf(ddcc: DdccCoreDataSet): string | undefined {
  return ddcc.kind === 'vaccination'
    ? ddcc.vaccination.country
    : ddcc.kind === 'test'
      ? ddcc.test.country
      : ddcc.recovery.country;
}

/** Issues the DCC of a core data set; `projected` is the credential rewritten from it (`projectCredential`). */
export async function issueDccFromDdcc(
  projected: Readonly<Record<string, unknown>>,
  ddcc: DdccCoreDataSet,
  key: DocumentSignerKey,
  options: { issuanceDate?: Date; expirationDate?: Date },
): Promise<IssuedDcc> {
  checkMappable(ddcc);
  const certificateIssuer = ddcc.certificate.issuer.name ?? ddcc.certificate.issuer.id;
  if (certificateIssuer.length > MAX_ISSUER) {
    throw new FormatIssueError(
      'dcc',
      'ERR_ISSUER_FIELD_TOO_LONG',
      `certificate issuer is longer than ${MAX_ISSUER} characters: give certificateIssuerName`,
    );
  }
  const country = countryOf(ddcc);
  return issueDcc(projected, {
    signer: key.signer,
    certificate: key.certificate,
    certificateIssuer,
    ...(country !== undefined ? { country } : {}),
    name: dccNameOf(ddcc.person.name),
    dob: ddcc.person.birthDate ?? '',
    ...(options.issuanceDate !== undefined ? { iat: options.issuanceDate } : {}),
    ...(options.expirationDate !== undefined ? { exp: options.expirationDate } : {}),
  });
}
