/** Person name (`nam`): `fn`/`gn` as written, `fnt`/`gnt` ICAO 9303 transliterated (`A-Z` and `<`). */
export interface DccName {
  fn?: string;
  fnt?: string;
  gn?: string;
  gnt?: string;
}

/** Vaccination entry (`v[0]`). */
export interface DccVaccination {
  /** Disease or agent targeted (`840539006` COVID-19). */
  tg: string;
  /** Vaccine or prophylaxis (SNOMED CT). */
  vp: string;
  /** Medicinal product (`EU/1/20/1528`, `Covishield`). */
  mp: string;
  /** Marketing authorisation holder / manufacturer (`ORG-100001981`). */
  ma: string;
  /** Dose number. */
  dn: number;
  /** Total doses in the series. */
  sd: number;
  /** Date of vaccination, `YYYY-MM-DD`. */
  dt: string;
  /** Country of vaccination (ISO 3166-1 alpha-2). */
  co: string;
  /** Certificate issuer. */
  is: string;
  /** Unique certificate identifier (UVCI). */
  ci: string;
}

/** Test entry (`t[0]`). */
export interface DccTest {
  tg: string;
  /** Test type (LOINC). */
  tt: string;
  /** NAA test name. */
  nm?: string;
  /** RAT device identifier. */
  ma?: string;
  /** Sample collection date-time. */
  sc: string;
  /** Test result (SNOMED CT). */
  tr: string;
  /** Testing centre. */
  tc?: string;
  co: string;
  is: string;
  ci: string;
}

/** Recovery entry (`r[0]`). */
export interface DccRecovery {
  tg: string;
  /** Date of first positive NAA test result. */
  fr: string;
  co: string;
  is: string;
  /** Certificate valid from. */
  df: string;
  /** Certificate valid until. */
  du: string;
  ci: string;
}

/** The EU DCC payload (schema 1.3.x): exactly one of `v`, `t`, `r`, each with one entry. */
export interface DccPayload {
  ver: string;
  nam: DccName;
  /** `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty. */
  dob: string;
  v?: DccVaccination[];
  t?: DccTest[];
  r?: DccRecovery[];
}

/** Certificate type: vaccination, test, recovery. */
export type DccCertificateType = 'v' | 't' | 'r';
