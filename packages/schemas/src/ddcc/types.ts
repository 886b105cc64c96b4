/**
 * The WHO DDCC core data set (Digital Documentation of COVID-19 Certificates: Vaccination Status, and its test
 * result / recovery counterparts), as one typed object. It is the one source of truth every output format is
 * mapped from, so the same person and event read the same in a W3C VC, a DCC, a SMART Health Card or a VDS-NC seal.
 */

/** A code in a code system (ICD-11 MMS, SNOMED CT, LOINC, EU DCC value sets...). */
export interface DdccCoding {
  code: string;
  system: string;
  display?: string;
}

/** A human name as written, with the family/given split the structured formats need. */
export interface DdccHumanName {
  /** The full name, as written in the registry (any script). */
  text: string;
  /** Family name (DCC `fn`). Absent for single-part names. */
  family?: string;
  /** Given name(s) (DCC `gn`). */
  given?: string;
}

export interface DdccName extends DdccHumanName {
  /**
   * The name in Latin letters, as the registry transliterated it (record field `nameLatin`), for formats that need
   * it (DCC `fnt`/`gnt`, VDS-NC `pid.n`). Absent when the registry gave none.
   */
  latin?: DdccHumanName;
  /** How `family`/`given` were found: given by the record, or the last word taken as the family name. */
  split: 'record' | 'last-word' | 'none';
}

/** FHIR administrative gender, as the DDCC data dictionary codes sex. */
export type DdccSex = 'male' | 'female' | 'other' | 'unknown';

/** The person a DDCC certificate is about. */
export interface DdccPerson {
  name: DdccName;
  /** `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`). Absent when the source carries only an age (DIVOC vaccination v1). */
  birthDate?: string;
  /** Age in years as the source states it, when it has no birth date. */
  age?: number;
  sex?: DdccSex;
  /** Holder identifier (the credential subject id, e.g. `did:in.gov.uidai.aadhaar:…`, else the registry's refId). */
  identifier?: string;
  /** Nationality as the source codes it (ISO 3166-1 alpha-2 or alpha-3: WHO DVC `ntl`). */
  nationality?: string;
  /** Number of the person's national identification document (WHO DVC `nid`); its kind is `nationalIdType`. */
  nationalId?: string;
  /** Kind of `nationalId`: an HL7 v2 table 0203 identifier type code (`PPN` passport, `NI`...; WHO DVC `ndt`). */
  nationalIdType?: string;
  /** Name of the parent or guardian, as written (WHO DVC `gn`): for certificates of minors. */
  guardian?: string;
}

/** Facts about the certificate itself: issuer, identifier (HCID), validity period and type. */
export interface DdccCertificate {
  /** Certificate issuer: `id` an URI or DID, `name` a printable name (DCC `is`) when known. */
  issuer: { id: string; name?: string };
  /** Health certificate identifier (HCID): the credential's `certificateId`. */
  hcid: string;
  /** Validity period of the certificate (RFC 3339 or dates). */
  period?: { start?: string; end?: string };
  /** Credential type of the source (`ProofOfVaccinationCredential`...). */
  type: string;
}

/** One vaccination, in DDCC terms. */
export interface DdccVaccinationEvent {
  /**
   * Vaccine or prophylaxis, ICD-11 (`XM9QW8`...). Absent when neither the credential nor the vaccine name gives one.
   */
  vaccine?: DdccCoding;
  /** Vaccine brand: the name as written, its canonical name and EU product code (`mp`) when known. */
  brand: { display: string; canonical?: string; euProduct?: string };
  /** Manufacturer as written (or as `resolveVaccine` knows it), with its EU `ma` code when listed. */
  manufacturer?: { display: string; code?: string };
  /** Market authorisation holder (same EU code list as the manufacturer: DCC `ma`). */
  maholder?: { display: string; code?: string };
  /** Batch / lot number. */
  lot?: string;
  /** Date of vaccination, `YYYY-MM-DD`: the calendar day as the source wrote it (see `docs/ddcc-mapping.md`). */
  date: string;
  /** The exact time, when the source has one (RFC 3339). */
  dateTime?: string;
  /** Dose number. */
  dose: number;
  /** Total doses in the series. */
  totalDoses?: number;
  /** Country of vaccination, ISO 3166-1 alpha-2. */
  country?: string;
  /** Administering centre. */
  centre?: string;
  /** Health worker (WHO DVC `cn`: the supervising clinician). */
  practitioner?: string;
  /** Disease or agent targeted (ICD-11 `RA01` COVID-19, with its SNOMED CT code as `snomed`). */
  disease: DdccCoding & { snomed?: string };
  /** Due date of the next dose, `YYYY-MM-DD`. */
  nextDose?: string;
  /** Vaccination valid from / until (DIVOC `effectiveStart` / `effectiveUntil`, WHO DVC `vls` / `vle`). */
  validFrom?: string;
  validUntil?: string;
  /**
   * The dose as the source wrote it when that is a code or text rather than a count (WHO DVC `dn`: `Primary`,
   * `Booster`...). Then `dose` is its number when the text is one, else 0 (not known as a number).
   */
  doseText?: string;
  /**
   * The vaccine product as an identifier in a catalogue (WHO DVC `mp`, the trade item id; ICVP `vp`, an id of WHO's
   * ICVP product catalogue, system `http://smart.who.int/pcmt-vaxprequal/CodeSystem/PreQualProductIds`).
   */
  product?: DdccCoding;
  /** Identifier of the manufacturer (WHO DVC `mid`), beside its name in `manufacturer.display`. */
  manufacturerId?: string;
}

/** The kind of test: nucleic acid amplification (PCR), rapid antigen, antibody, or other. */
export type DdccTestCategory = 'naat' | 'antigen' | 'antibody' | 'other';
/** A test result. */
export type DdccTestOutcome = 'negative' | 'positive' | 'inconclusive' | 'other';

/** One test, in DDCC terms. */
export interface DdccTestEvent {
  /** Pathogen / disease targeted. */
  pathogen: DdccCoding & { snomed?: string };
  /** Test type as written and its category (NAAT/PCR, rapid antigen, antibody). */
  type: { display: string; category: DdccTestCategory };
  /** The test type's code, in the system the source used (DCC `tt`: LOINC). */
  typeCode?: DdccCoding;
  /** Test name (NAAT) as written. */
  name?: string;
  /** Test manufacturer / device as written. */
  manufacturer?: string;
  lot?: string;
  /** Sample origin (nasopharyngeal...). */
  origin?: string;
  /** Sample collection date-time (RFC 3339). */
  date: string;
  /** Result date-time. */
  resultDate?: string;
  result: { display: string; outcome: DdccTestOutcome };
  /** The result's code, in the system the source used (DCC `tr`, SHC `valueCodeableConcept`: SNOMED CT). */
  resultCode?: DdccCoding;
  /** The test device's code, in the system the source used (DCC `ma`: the EU JRC device list). */
  manufacturerCode?: DdccCoding;
  /** Testing centre. */
  centre?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  practitioner?: string;
}

/** A recovery, in DDCC terms (date of the first positive test and the validity window). */
export interface DdccRecoveryEvent {
  disease: DdccCoding & { snomed?: string };
  /** Date of the first positive test, `YYYY-MM-DD`. */
  firstPositiveDate: string;
  validFrom: string;
  validUntil: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  centre?: string;
  practitioner?: string;
}

interface DdccBase {
  person: DdccPerson;
  certificate: DdccCertificate;
}

/** The core data set of one certificate: one person, one event. */
export type DdccCoreDataSet =
  | (DdccBase & { kind: 'vaccination'; vaccination: DdccVaccinationEvent })
  | (DdccBase & { kind: 'test'; test: DdccTestEvent })
  | (DdccBase & { kind: 'recovery'; recovery: DdccRecoveryEvent });

/** What a DDCC core data set records: `vaccination`, `test` or `recovery`. */
export type DdccKind = DdccCoreDataSet['kind'];

/** What a registry knows that the credential does not carry. Everything optional. */
export interface ToDdccOptions {
  /** The full name in Latin letters (e.g. `Rajesh Kumar` for `राजेश कुमार`). */
  nameLatin?: string;
  /** Explicit split of the name (else the last word is the family name). */
  familyName?: string;
  givenName?: string;
  familyNameLatin?: string;
  givenNameLatin?: string;
  /** Birth date when the credential carries only an age (DIVOC v1). `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
  birthDate?: string;
  /** Printable certificate issuer name (e.g. `Ministry of Health and Family Welfare, India`). */
  certificateIssuerName?: string;
  /** Country (alpha-2 or English name) when the credential names none. */
  country?: string;
  /**
   * Date of vaccination (`YYYY-MM-DD`) as the place of vaccination saw it. The credential stores a UTC instant, so
   * without this the UTC calendar day is used (see "time zones" in `docs/ddcc-mapping.md`).
   */
  vaccinationDate?: string;
}
