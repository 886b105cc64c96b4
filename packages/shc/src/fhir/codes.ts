import { ICD11_COVID19_VACCINE, resolveVaccine } from '@divoc/schemas';

/** FHIR code system URIs the bundles use: CVX, ICD-11, LOINC and SNOMED CT. */
export const SYSTEM = Object.freeze({
  CVX: 'http://hl7.org/fhir/sid/cvx',
  ICD11: 'http://id.who.int/icd11/mms',
  LOINC: 'http://loinc.org',
  SNOMED: 'http://snomed.info/sct',
} as const);

/**
 * CVX codes by the canonical names `resolveVaccine` returns. Source: the CDC CVX code set ("COVID-19 US and Non-US
 * vaccine codes" tables, as mirrored in the HL7 SHC vaccination IG's CVX value set and the CVX→ICD-11 concept map):
 *   207 COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5 mL (Moderna)
 *   208 COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL (Pfizer)
 *   210 COVID-19 vaccine, vector-nr, rS-ChAdOx1 (AstraZeneca; the CDC non-US table files Covishield under it too)
 *   211 COVID-19, subunit, rS-nanoparticle+Matrix-M1 (Novavax; Covovax is Novavax's NVX-CoV2373 made by SII)
 *   212 COVID-19 vaccine, vector-nr, rS-Ad26 (Janssen)                502 COVID-19 IV Non-US Vaccine (COVAXIN)
 *   504 VVnr Non-US (Sputnik Light)   505 VVnr Non-US (Sputnik V)     506 VVnr Non-US (CanSino → Convidecia)
 *   510 IV Non-US (BIBP, Sinopharm)   511 IV Non-US (CoronaVac, Sinovac)
 *   514 DNA Non-US (Zydus Cadila, ZyCoV-D)                            517 PS Non-US (Biological E, Corbevax)
 * A vaccine not listed here is coded with its ICD-11 code instead (never a guessed CVX).
 */
export const CVX_BY_VACCINE: Readonly<Record<string, string>> = Object.freeze({
  Spikevax: '207',
  Comirnaty: '208',
  Vaxzevria: '210',
  Covishield: '210',
  Nuvaxovid: '211',
  Covovax: '211',
  Jcovden: '212',
  Covaxin: '502',
  'Sputnik Light': '504',
  'Sputnik V': '505',
  Convidecia: '506',
  'BBIBP-CorV': '510',
  CoronaVac: '511',
  'ZyCoV-D': '514',
  Corbevax: '517',
});

/** LOINC test codes (SHC vaccination & testing IG lab value set). */
export const LOINC = Object.freeze({
  /** SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory specimen by NAA with probe detection. */
  NAAT: '94500-6',
  /** SARS-CoV-2 (COVID-19) Ag [Presence] in Respiratory specimen by Rapid immunoassay. */
  ANTIGEN: '94558-4',
} as const);

/** SNOMED CT qualifier values for a qualitative result. */
export const SNOMED_RESULT = Object.freeze({
  DETECTED: '260373001',
  NOT_DETECTED: '260415000',
  INCONCLUSIVE: '419984006',
} as const);

export interface Coding {
  system: string;
  code: string;
}

const COVID_ICD11 = new Set<string>(Object.values(ICD11_COVID19_VACCINE));

/** Vaccine coding: CVX when the product is known, else ICD-11 (explicit `icd11Code` first). */
export function vaccineCoding(
  vaccine: string,
  icd11Code: string | undefined,
): { coding: Coding; covid19: boolean } | undefined {
  const known = resolveVaccine(vaccine);
  const cvx = known ? CVX_BY_VACCINE[known.name] : undefined;
  if (cvx) return { coding: { system: SYSTEM.CVX, code: cvx }, covid19: true };
  const icd11 = icd11Code ?? known?.icd11;
  if (icd11 && /^[A-Z0-9]{2,10}$/.test(icd11))
    return { coding: { system: SYSTEM.ICD11, code: icd11 }, covid19: known !== undefined || COVID_ICD11.has(icd11) };
  return undefined;
}

function normal(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** LOINC code for a DIVOC `testType` ("RT-PCR", "RAT", "Rapid Antigen Test", "NAAT"...). */
export function testLoinc(testType: string): string | undefined {
  const t = normal(testType);
  const words = new Set(t.split(' '));
  if (/pcr|naat|naa\b|nucleic|molecular|lamp|tma/.test(t) || words.has('rna')) return LOINC.NAAT;
  if (/antigen|\bag\b|\brat\b|\bradt\b|lateral flow/.test(t)) return LOINC.ANTIGEN;
  return undefined;
}

/** SNOMED result code for a DIVOC `result` ("Negative", "Positive", "Not detected", ...). */
export function testResultSnomed(result: string): string | undefined {
  const r = normal(result);
  if (/^(negative|not detected|undetected|neg)$/.test(r)) return SNOMED_RESULT.NOT_DETECTED;
  if (/^(positive|detected|pos)$/.test(r)) return SNOMED_RESULT.DETECTED;
  if (/^(inconclusive|indeterminate|equivocal)$/.test(r)) return SNOMED_RESULT.INCONCLUSIVE;
  return undefined;
}
