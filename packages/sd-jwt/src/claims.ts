import type { DdccCoding, DdccCoreDataSet, DdccKind } from '@divoc/schemas';

/**
 * The `vct` (credential type) of each built-in credential type. URNs, not URLs: they name a claim set this package
 * defines (documented in its README) and make no verifier fetch type metadata.
 */
export const SD_JWT_VC_TYPES_BY_KIND: Readonly<Record<DdccKind, string>> = Object.freeze({
  vaccination: 'urn:divoc:sd-jwt-vc:vaccination:1',
  test: 'urn:divoc:sd-jwt-vc:test:1',
  recovery: 'urn:divoc:sd-jwt-vc:recovery:1',
});

/** A code as a claim value: `{ system, code, display? }`. */
export interface SdJwtVcCoding {
  system: string;
  code: string;
  display?: string;
}

/**
 * The claims of a health SD-JWT VC, flat, read from the WHO DDCC core data set (the data set every other format is
 * mapped through, so a person and an event read the same in every format). Every one of them is selectively
 * disclosable; only `iss`, `iat`, `nbf`, `exp`, `vct`, `cnf` and `status` are always visible.
 */
export interface SdJwtVcHealthClaims {
  /** Full name as written. */
  name?: string;
  family_name?: string;
  given_name?: string;
  /** Full name in Latin letters, when the registry gave it. */
  name_latin?: string;
  /** `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`). */
  birthdate?: string;
  /** Age in years, when the source has no birth date. */
  age?: number;
  /** FHIR administrative gender: `male`, `female`, `other`, `unknown`. */
  sex?: string;
  /** Holder identifier (the credential subject id, or the registry's reference id). */
  subject_id?: string;
  /** ISO 3166-1 code as the source gave it. */
  nationality?: string;
  national_id?: string;
  /** HL7 v2 table 0203 identifier type code (`PPN`, `NI`...). */
  national_id_type?: string;
  guardian?: string;
  /** Health certificate identifier (HCID). */
  certificate_id?: string;
  /** Printable certificate issuer name. */
  certificate_issuer?: string;
  target_disease?: SdJwtVcCoding;
  /** Vaccination: vaccine (ICD-11) code. */
  vaccine?: SdJwtVcCoding;
  vaccine_brand?: string;
  vaccine_manufacturer?: string;
  vaccine_lot?: string;
  vaccination_date?: string;
  dose_number?: number;
  total_doses?: number;
  next_dose_date?: string;
  /** Test: type as written, its category (`naat`, `antigen`, `antibody`, `other`), its code. */
  test_type?: string;
  test_category?: string;
  test_type_code?: SdJwtVcCoding;
  test_name?: string;
  test_manufacturer?: string;
  test_lot?: string;
  sample_origin?: string;
  /** Sample collection date-time (RFC 3339). */
  sample_date?: string;
  result_date?: string;
  test_result?: string;
  /** `negative`, `positive`, `inconclusive`, `other`. */
  test_outcome?: string;
  test_result_code?: SdJwtVcCoding;
  /** Recovery: date of the first positive test. */
  first_positive_date?: string;
  /** Vaccination or recovery validity window. */
  valid_from?: string;
  valid_until?: string;
  /** Country of the event (ISO 3166-1 alpha-2). */
  country?: string;
  /** Centre (vaccination centre, testing centre). */
  centre?: string;
  practitioner?: string;
}

const coding = (c: DdccCoding | undefined): SdJwtVcCoding | undefined =>
  c === undefined
    ? undefined
    : { system: c.system, code: c.code, ...(c.display !== undefined ? { display: c.display } : {}) };

/** The flat claims of a DDCC core data set, absent fields left out. */
export function healthClaimsOf(ddcc: DdccCoreDataSet): SdJwtVcHealthClaims {
  const { person, certificate } = ddcc;
  const claims: SdJwtVcHealthClaims = {
    name: person.name.text,
    family_name: person.name.family,
    given_name: person.name.given,
    name_latin: person.name.latin?.text,
    birthdate: person.birthDate,
    age: person.age,
    sex: person.sex,
    subject_id: person.identifier,
    nationality: person.nationality,
    national_id: person.nationalId,
    national_id_type: person.nationalIdType,
    guardian: person.guardian,
    certificate_id: certificate.hcid,
    certificate_issuer: certificate.issuer.name,
  };
  switch (ddcc.kind) {
    case 'vaccination': {
      const v = ddcc.vaccination;
      Object.assign(claims, {
        target_disease: coding(v.disease),
        vaccine: coding(v.vaccine),
        vaccine_brand: v.brand.canonical ?? v.brand.display,
        vaccine_manufacturer: v.manufacturer?.display,
        vaccine_lot: v.lot,
        vaccination_date: v.date,
        dose_number: v.dose,
        total_doses: v.totalDoses,
        next_dose_date: v.nextDose,
        valid_from: v.validFrom,
        valid_until: v.validUntil,
        country: v.country,
        centre: v.centre,
        practitioner: v.practitioner,
      });
      break;
    }
    case 'test': {
      const t = ddcc.test;
      Object.assign(claims, {
        target_disease: coding(t.pathogen),
        test_type: t.type.display,
        test_category: t.type.category,
        test_type_code: coding(t.typeCode),
        test_name: t.name,
        test_manufacturer: t.manufacturer,
        test_lot: t.lot,
        sample_origin: t.origin,
        sample_date: t.date,
        result_date: t.resultDate,
        test_result: t.result.display,
        test_outcome: t.result.outcome,
        test_result_code: coding(t.resultCode),
        country: t.country,
        centre: t.centre,
        practitioner: t.practitioner,
      });
      break;
    }
    case 'recovery': {
      const r = ddcc.recovery;
      Object.assign(claims, {
        target_disease: coding(r.disease),
        first_positive_date: r.firstPositiveDate,
        valid_from: r.validFrom,
        valid_until: r.validUntil,
        country: r.country,
        centre: r.centre,
        practitioner: r.practitioner,
      });
      break;
    }
  }
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as SdJwtVcHealthClaims;
}
