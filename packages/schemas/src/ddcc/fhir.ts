/**
 * The WHO DDCC core data set as a FHIR R4 `document` Bundle: a Composition (first), the Patient, the issuer as an
 * Organization, and the event as an Immunization (vaccination), an Observation (test) or a Condition (recovery).
 * Ids are derived from the content (SHA-256), so the same core data set always gives the same bundle. The mapping,
 * field by field, is in docs/fhir.md.
 */
import { isJsonObject, sha256 } from '@divoc/keys';
import { lookupValueSet } from '../valuesets/index.js';
import { DDCC_SYSTEMS, DdccMappingError } from './core-data-set.js';
import type {
  DdccCoding,
  DdccCoreDataSet,
  DdccPerson,
  DdccRecoveryEvent,
  DdccTestEvent,
  DdccTestOutcome,
  DdccVaccinationEvent,
} from './types.js';

/** Code systems and extension URLs of the FHIR bundles. */
export const FHIR_SYSTEMS = Object.freeze({
  /** ICD-11 MMS as HL7 registers it (and WHO's gdhcn-validator writes it); DDCC's `icd11/mms` URI is mapped to it. */
  ICD11: 'http://id.who.int/icd/release/11/mms',
  SNOMED: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  ISO3166: 'urn:iso:std:iso:3166',
  /** HL7 v2 table 0203 identifier types (passport, national id...). */
  IDENTIFIER_TYPE: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  /** The RFC 3986 URI system of the bundle's `urn:uuid:` identifier. */
  URI: 'urn:ietf:rfc:3986',
  DDCC_COMPOSITION_CATEGORY: 'http://smart.who.int/ddcc/CodeSystem/DDCCCompositionCategoryCodeSystem',
  EXT_BRAND: 'http://smart.who.int/ddcc/StructureDefinition/DDCCEventBrand',
  EXT_MA_HOLDER: 'http://smart.who.int/ddcc/StructureDefinition/DDCCVaccineMarketAuthorization',
  EXT_COUNTRY: 'http://smart.who.int/ddcc/StructureDefinition/DDCCCountryOfEvent',
  EXT_VALID_FROM: 'http://smart.who.int/ddcc/StructureDefinition/DDCCVaccineValidFrom',
  EXT_NATIONALITY: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
  CONDITION_CLINICAL: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  CONDITION_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  OBSERVATION_CATEGORY: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const);

/** A FHIR Coding. */
export interface FhirCoding {
  system?: string;
  code?: string;
  display?: string;
}

/** A FHIR CodeableConcept. */
export interface FhirCodeableConcept {
  coding?: FhirCoding[];
  text?: string;
}

/** A FHIR Identifier. */
export interface FhirIdentifier {
  system?: string;
  type?: FhirCodeableConcept;
  value: string;
}

/** A FHIR Reference: to a resource of the bundle (`urn:uuid:`), or a display text / identifier only. */
export interface FhirReference {
  reference?: string;
  identifier?: FhirIdentifier;
  display?: string;
}

/** A FHIR resource of the bundle: its type, its id, and its elements (FHIR R4 JSON). */
export interface FhirResource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}

/** One entry of the bundle. */
export interface FhirBundleEntry {
  /** `urn:uuid:` + the resource's id. */
  fullUrl: string;
  resource: FhirResource;
}

/** A FHIR R4 document Bundle: the Composition is the first entry; every reference resolves inside the bundle. */
export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  /** `urn:uuid:` of the bundle id (FHIR requires a document to have an identifier with a system). */
  identifier: FhirIdentifier;
  type: 'document';
  /** When the document was assembled: the option, else the certificate's start, else the event's date. */
  timestamp: string;
  entry: FhirBundleEntry[];
}

/** Options of `toFhirBundle`. */
export interface ToFhirBundleOptions {
  /**
   * `Bundle.timestamp` and `Composition.date` (an instant). Default: the certificate's validity start, else the
   * event's date (at 00:00Z). Never the current time, so that the bundle is deterministic.
   */
  timestamp?: Date | string;
}

type Json = Record<string, unknown>;

const DDCC_ICD11_SYSTEMS = new Set<string>([DDCC_SYSTEMS.ICD11, FHIR_SYSTEMS.ICD11]);

/** JSON with the members of every object sorted, so the hash seed does not depend on insertion order. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isJsonObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** A UUID (RFC 9562 version 8: custom) from the first 16 bytes of SHA-256 of `seed`. */
function derivedUuid(seed: string): string {
  const b = sha256(seed).slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const nonEmpty = (s: string | undefined): s is string => typeof s === 'string' && s.trim() !== '';

/** A DDCC coding as a FHIR Coding; undefined for a text-only value (`DDCC_SYSTEMS.TEXT`) or an empty code. */
function fhirCoding(c: DdccCoding | undefined): FhirCoding | undefined {
  if (c === undefined || c.system === DDCC_SYSTEMS.TEXT || !nonEmpty(c.code)) return undefined;
  const system = DDCC_ICD11_SYSTEMS.has(c.system) ? FHIR_SYSTEMS.ICD11 : c.system;
  return {
    ...(nonEmpty(system) ? { system } : {}),
    code: c.code,
    ...(nonEmpty(c.display) ? { display: c.display } : {}),
  };
}

/**
 * A CodeableConcept of codings; `text` is kept beside them. A text-only value (`DDCC_SYSTEMS.TEXT`) becomes the
 * `text` only when nothing is coded. Undefined when nothing is known.
 */
function concept(
  codings: ReadonlyArray<DdccCoding | FhirCoding | undefined>,
  text?: string,
): FhirCodeableConcept | undefined {
  const coding: FhirCoding[] = [];
  let textOnly: string | undefined;
  for (const c of codings) {
    if (c === undefined) continue;
    const f = fhirCoding(c as DdccCoding);
    if (f !== undefined) coding.push(f);
    else textOnly ??= nonEmpty(c.display) ? c.display : c.code;
  }
  const shown = nonEmpty(text) ? text : coding.length === 0 ? textOnly : undefined;
  if (coding.length === 0 && !nonEmpty(shown)) return undefined;
  return { ...(coding.length > 0 ? { coding } : {}), ...(nonEmpty(shown) ? { text: shown } : {}) };
}

/** The disease as ICD-11 (or the source's system) plus its SNOMED CT code when the DDCC knows both. */
function diseaseConcept(d: DdccCoding & { snomed?: string }): FhirCodeableConcept | undefined {
  const snomed =
    nonEmpty(d.snomed) && d.system !== FHIR_SYSTEMS.SNOMED
      ? { system: FHIR_SYSTEMS.SNOMED, code: d.snomed }
      : undefined;
  return concept([d, snomed]);
}

const DAY = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])';
/** FHIR `date`: a year, a year and month, or a day. */
const FHIR_DATE = new RegExp(`^(?:\\d{4}(?:-(?:0[1-9]|1[0-2]))?|${DAY})$`);
/** A day and a time of day with its zone; FHIR wants the seconds, which the match adds when they are missing. */
const ZONED = new RegExp(
  `^(${DAY}T(?:[01]\\d|2[0-3]):[0-5]\\d)(:[0-5]\\d(?:\\.\\d{1,9})?)?(Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$`,
);
const DAY_PREFIX = new RegExp(`^${DAY}`);

/** A FHIR `date`; anything else is a typed error naming the field. */
function fhirDate(value: string, path: string): string {
  if (!FHIR_DATE.test(value)) throw new DdccMappingError(path, 'is not a date (YYYY, YYYY-MM or YYYY-MM-DD)');
  return value;
}

/** A FHIR `instant` (for `timestamp`): a day alone is taken at 00:00Z. */
function instant(value: string, path: string): string {
  if (FHIR_DATE.test(value) && value.length === 10) return `${value}T00:00:00Z`;
  const m = ZONED.exec(value);
  if (m) return `${m[1]}${m[2] ?? ':00'}${m[3]}`;
  throw new DdccMappingError(path, 'is not an RFC 3339 date-time');
}

/**
 * A FHIR `dateTime`: a date-time with its zone (seconds added when missing), else the date it starts with (a time
 * without a zone is no FHIR time). Anything else is a typed error naming the field.
 */
function dateTime(value: string, path: string): string {
  const m = ZONED.exec(value);
  if (m) return `${m[1]}${m[2] ?? ':00'}${m[3]}`;
  if (FHIR_DATE.test(value)) return value;
  const day = DAY_PREFIX.exec(value);
  if (day) return day[0];
  throw new DdccMappingError(path, 'is not an ISO 8601 date or date-time');
}

function periodOf(start: string | undefined, end: string | undefined, path: string): Json | undefined {
  if (!nonEmpty(start) && !nonEmpty(end)) return undefined;
  return {
    ...(nonEmpty(start) ? { start: dateTime(start, `${path}.start`) } : {}),
    ...(nonEmpty(end) ? { end: dateTime(end, `${path}.end`) } : {}),
  };
}

function checkCore(core: unknown): asserts core is DdccCoreDataSet {
  if (!isJsonObject(core)) throw new DdccMappingError('core', 'must be a DDCC core data set object');
  if (!isJsonObject(core.person) || !isJsonObject(core.person.name) || !nonEmpty(core.person.name.text as string))
    throw new DdccMappingError('core.person.name.text', 'is missing');
  if (!isJsonObject(core.certificate) || !isJsonObject(core.certificate.issuer))
    throw new DdccMappingError('core.certificate', 'is missing');
  const kind = core.kind;
  if (kind !== 'vaccination' && kind !== 'test' && kind !== 'recovery')
    throw new DdccMappingError('core.kind', 'must be vaccination, test or recovery');
  if (!isJsonObject(core[kind])) throw new DdccMappingError(`core.${kind}`, 'is missing');
}

/* ------------------------------------------------------------------------------------------------ resources */

function patientOf(id: string, person: DdccPerson): FhirResource {
  const names: Json[] = [];
  const humanName = (n: { text: string; family?: string; given?: string }): Json => ({
    text: n.text,
    ...(nonEmpty(n.family) ? { family: n.family } : {}),
    ...(nonEmpty(n.given) ? { given: [n.given] } : {}),
  });
  names.push(humanName(person.name));
  if (person.name.latin !== undefined) names.push(humanName(person.name.latin));
  const identifiers: FhirIdentifier[] = [];
  if (nonEmpty(person.identifier)) {
    const typed = person.identifier === person.nationalId && nonEmpty(person.nationalIdType);
    identifiers.push({
      ...(typed ? { type: { coding: [{ system: FHIR_SYSTEMS.IDENTIFIER_TYPE, code: person.nationalIdType! }] } } : {}),
      value: person.identifier,
    });
  }
  if (nonEmpty(person.nationalId) && person.nationalId !== person.identifier) {
    identifiers.push({
      ...(nonEmpty(person.nationalIdType)
        ? { type: { coding: [{ system: FHIR_SYSTEMS.IDENTIFIER_TYPE, code: person.nationalIdType }] } }
        : {}),
      value: person.nationalId,
    });
  }
  const patient: FhirResource = { resourceType: 'Patient', id };
  if (nonEmpty(person.nationality)) {
    patient.extension = [
      {
        url: FHIR_SYSTEMS.EXT_NATIONALITY,
        extension: [
          {
            url: 'code',
            valueCodeableConcept: { coding: [{ system: FHIR_SYSTEMS.ISO3166, code: person.nationality }] },
          },
        ],
      },
    ];
  }
  if (identifiers.length > 0) patient.identifier = identifiers;
  patient.name = names;
  if (person.sex !== undefined) patient.gender = person.sex;
  if (nonEmpty(person.birthDate)) patient.birthDate = fhirDate(person.birthDate, 'core.person.birthDate');
  if (nonEmpty(person.guardian)) patient.contact = [{ name: { text: person.guardian } }];
  return patient;
}

function organizationOf(id: string, issuer: { id: string; name?: string }): FhirResource {
  return {
    resourceType: 'Organization',
    id,
    ...(nonEmpty(issuer.id) ? { identifier: [{ value: issuer.id }] } : {}),
    name: nonEmpty(issuer.name) ? issuer.name : nonEmpty(issuer.id) ? issuer.id : 'unknown issuer',
  };
}

/** The EU register's system of a product or holder code when the EU value sets list it. */
function euCoding(set: 'vaccineMedicinalProduct' | 'vaccineMahManf', code: string | undefined, display: string): Json {
  if (!nonEmpty(code)) return { display };
  const entry = lookupValueSet(set, code);
  return { ...(entry !== undefined ? { system: entry.system } : {}), code, display };
}

function immunizationOf(id: string, patient: string, v: DdccVaccinationEvent): FhirResource {
  const extension: Json[] = [
    {
      url: FHIR_SYSTEMS.EXT_BRAND,
      valueCoding: euCoding('vaccineMedicinalProduct', v.brand.euProduct, v.brand.display),
    },
  ];
  if (v.maholder !== undefined)
    extension.push({
      url: FHIR_SYSTEMS.EXT_MA_HOLDER,
      valueCoding: euCoding('vaccineMahManf', v.maholder.code, v.maholder.display),
    });
  if (nonEmpty(v.country)) extension.push({ url: FHIR_SYSTEMS.EXT_COUNTRY, valueCode: v.country });
  if (nonEmpty(v.validFrom))
    extension.push({
      url: FHIR_SYSTEMS.EXT_VALID_FROM,
      valueDate: dateTime(v.validFrom, 'core.vaccination.validFrom').slice(0, 10),
    });
  // The brand is in its extension: the text repeats it only when no code is known.
  const vaccineCode = concept([v.vaccine, v.product]) ?? { text: v.brand.display };
  const immunization: FhirResource = {
    resourceType: 'Immunization',
    id,
    extension,
    status: 'completed',
    vaccineCode,
    patient: { reference: patient },
    occurrenceDateTime: dateTime(v.dateTime ?? v.date, 'core.vaccination.date'),
  };
  if (nonEmpty(v.centre)) immunization.location = { display: v.centre };
  const manufacturerId = v.manufacturerId ?? v.manufacturer?.code;
  if (v.manufacturer !== undefined || nonEmpty(manufacturerId)) {
    const system = nonEmpty(v.manufacturer?.code)
      ? lookupValueSet('vaccineMahManf', v.manufacturer.code)?.system
      : undefined;
    immunization.manufacturer = {
      ...(nonEmpty(manufacturerId)
        ? {
            identifier: {
              ...(system !== undefined && manufacturerId === v.manufacturer?.code ? { system } : {}),
              value: manufacturerId,
            },
          }
        : {}),
      ...(v.manufacturer !== undefined ? { display: v.manufacturer.display } : {}),
    };
  }
  if (nonEmpty(v.lot)) immunization.lotNumber = v.lot;
  if (nonEmpty(v.practitioner)) immunization.performer = [{ actor: { display: v.practitioner } }];
  const protocol: Json = {};
  const disease = diseaseConcept(v.disease);
  if (disease !== undefined) protocol.targetDisease = [disease];
  if (nonEmpty(v.doseText)) protocol.doseNumberString = v.doseText;
  else if (Number.isSafeInteger(v.dose) && v.dose > 0) protocol.doseNumberPositiveInt = v.dose;
  else protocol.doseNumberString = 'unknown';
  if (v.totalDoses !== undefined && Number.isSafeInteger(v.totalDoses) && v.totalDoses > 0)
    protocol.seriesDosesPositiveInt = v.totalDoses;
  immunization.protocolApplied = [protocol];
  return immunization;
}

const LOINC_BY_CATEGORY: Readonly<Partial<Record<string, FhirCoding>>> = {
  naat: { system: FHIR_SYSTEMS.LOINC, code: '94500-6' },
  antigen: { system: FHIR_SYSTEMS.LOINC, code: '94558-4' },
};
const SNOMED_BY_OUTCOME: Readonly<Partial<Record<DdccTestOutcome, FhirCoding>>> = {
  negative: { system: FHIR_SYSTEMS.SNOMED, code: '260415000', display: 'Not detected' },
  positive: { system: FHIR_SYSTEMS.SNOMED, code: '260373001', display: 'Detected' },
  inconclusive: { system: FHIR_SYSTEMS.SNOMED, code: '419984006', display: 'Inconclusive' },
};

function observationOf(id: string, patient: string, t: DdccTestEvent): FhirResource {
  // The code the credential used, else the LOINC code of the test's category (NAAT / rapid antigen).
  const code = concept([t.typeCode ?? LOINC_BY_CATEGORY[t.type.category]], t.type.display) ?? { text: 'test' };
  const value = concept([t.resultCode ?? SNOMED_BY_OUTCOME[t.result.outcome]], t.result.display);
  const observation: FhirResource = {
    resourceType: 'Observation',
    id,
    ...(nonEmpty(t.country) ? { extension: [{ url: FHIR_SYSTEMS.EXT_COUNTRY, valueCode: t.country }] } : {}),
    status: 'final',
    category: [{ coding: [{ system: FHIR_SYSTEMS.OBSERVATION_CATEGORY, code: 'laboratory' }] }],
    code,
    subject: { reference: patient },
    effectiveDateTime: dateTime(t.date, 'core.test.date'),
  };
  if (nonEmpty(t.resultDate) && /T.*(Z|[+-]\d{2}:\d{2})$/.test(t.resultDate)) observation.issued = t.resultDate;
  const performers = [t.centre, t.practitioner].filter(nonEmpty).map((display) => ({ display }));
  if (performers.length > 0) observation.performer = performers;
  if (value !== undefined) observation.valueCodeableConcept = value;
  const pathogen = diseaseConcept(t.pathogen);
  if (pathogen !== undefined)
    observation.focus = [{ display: pathogen.coding?.[0]?.display ?? pathogen.text ?? pathogen.coding?.[0]?.code }];
  if (nonEmpty(t.name)) observation.method = { text: t.name };
  if (nonEmpty(t.origin)) observation.specimen = { display: t.origin };
  if (nonEmpty(t.manufacturer) || t.manufacturerCode !== undefined) {
    const device = fhirCoding(t.manufacturerCode);
    observation.device = {
      ...(device?.code !== undefined
        ? { identifier: { ...(device.system ? { system: device.system } : {}), value: device.code } }
        : {}),
      ...(nonEmpty(t.manufacturer) ? { display: t.manufacturer } : {}),
    };
  }
  if (nonEmpty(t.lot)) observation.note = [{ text: `lot ${t.lot}` }];
  return observation;
}

function conditionOf(id: string, patient: string, r: DdccRecoveryEvent): FhirResource {
  return {
    resourceType: 'Condition',
    id,
    ...(nonEmpty(r.country) ? { extension: [{ url: FHIR_SYSTEMS.EXT_COUNTRY, valueCode: r.country }] } : {}),
    clinicalStatus: { coding: [{ system: FHIR_SYSTEMS.CONDITION_CLINICAL, code: 'resolved' }] },
    verificationStatus: { coding: [{ system: FHIR_SYSTEMS.CONDITION_VERIFICATION, code: 'confirmed' }] },
    code: diseaseConcept(r.disease) ?? { text: 'unknown' },
    subject: { reference: patient },
    onsetDateTime: dateTime(r.firstPositiveDate, 'core.recovery.firstPositiveDate'),
    ...(nonEmpty(r.centre) || nonEmpty(r.practitioner)
      ? { asserter: { display: [r.centre, r.practitioner].filter(nonEmpty).join(', ') } }
      : {}),
  };
}

/** Composition type, title and section, per kind. */
const DOCUMENT = {
  vaccination: {
    type: { code: '82593-5', display: 'Immunization summary report' },
    title: 'Vaccination certificate',
    section: { code: '11369-6', display: 'History of Immunization Narrative', title: 'Vaccination' },
  },
  test: {
    type: { code: '11502-2', display: 'Laboratory report' },
    title: 'Test result certificate',
    section: { code: '30954-2', display: 'Relevant diagnostic tests/laboratory data Narrative', title: 'Test result' },
  },
  recovery: {
    type: { code: '60591-5', display: 'Patient summary Document' },
    title: 'Recovery certificate',
    section: { code: '11450-4', display: 'Problem list - Reported', title: 'Recovery' },
  },
} as const;

/**
 * The WHO DDCC core data set as a FHIR R4 `document` Bundle: Composition (first entry), Patient, Organization (the
 * certificate issuer), and an Immunization, an Observation (test) or a Condition (recovery). Codes stay in the systems
 * the core data set carries (ICD-11 MMS, SNOMED CT, CVX, LOINC, EU value sets); ICD-11 is written with HL7's URI
 * `http://id.who.int/icd/release/11/mms`. Ids are `urn:uuid:`s derived from the content, and no clock is read: the
 * same core data set always gives the same bundle. Throws `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`) when
 * `core` is not a core data set. See docs/fhir.md.
 */
export function toFhirBundle(core: DdccCoreDataSet, options: ToFhirBundleOptions = {}): FhirBundle {
  checkCore(core);
  let seed: string;
  try {
    seed = sortedJson(core);
  } catch {
    throw new DdccMappingError('core', 'is not JSON data (a cycle, or a value JSON cannot hold)');
  }
  const uuid = (role: string): string => derivedUuid(`divoc-fhir-r4:${role}:${seed}`);
  const ids = {
    bundle: uuid('Bundle'),
    composition: uuid('Composition'),
    patient: uuid('Patient'),
    organization: uuid('Organization'),
    event: uuid(core.kind),
  };
  const ref = (id: string): string => `urn:uuid:${id}`;

  let event: FhirResource;
  let eventDate: string;
  if (core.kind === 'vaccination') {
    event = immunizationOf(ids.event, ref(ids.patient), core.vaccination);
    eventDate = core.vaccination.dateTime ?? core.vaccination.date;
  } else if (core.kind === 'test') {
    event = observationOf(ids.event, ref(ids.patient), core.test);
    eventDate = core.test.date;
  } else {
    event = conditionOf(ids.event, ref(ids.patient), core.recovery);
    eventDate = core.recovery.firstPositiveDate;
  }
  let timestamp: string;
  if (options.timestamp instanceof Date) {
    if (Number.isNaN(options.timestamp.getTime()))
      throw new DdccMappingError('options.timestamp', 'is an invalid Date');
    timestamp = options.timestamp.toISOString();
  } else if (options.timestamp !== undefined) timestamp = instant(String(options.timestamp), 'options.timestamp');
  else {
    const start = core.certificate.period?.start;
    timestamp = nonEmpty(start)
      ? instant(start, 'core.certificate.period.start')
      : instant(dateTime(eventDate, 'core.event.date'), 'core.event.date');
  }

  const doc = DOCUMENT[core.kind];
  const events: Json[] = [];
  const certificatePeriod = periodOf(
    core.certificate.period?.start,
    core.certificate.period?.end,
    'core.certificate.period',
  );
  if (certificatePeriod !== undefined)
    events.push({ code: [{ text: 'certificate validity' }], period: certificatePeriod });
  if (core.kind === 'recovery') {
    events.push({
      code: [{ text: 'recovery validity' }],
      period: periodOf(core.recovery.validFrom, core.recovery.validUntil, 'core.recovery'),
    });
  }
  const composition: FhirResource = {
    resourceType: 'Composition',
    id: ids.composition,
    ...(nonEmpty(core.certificate.hcid) ? { identifier: { value: core.certificate.hcid } } : {}),
    status: 'final',
    type: { coding: [{ system: FHIR_SYSTEMS.LOINC, ...doc.type }] },
    ...(core.kind === 'vaccination'
      ? { category: [{ coding: [{ system: FHIR_SYSTEMS.DDCC_COMPOSITION_CATEGORY, code: 'ddcc-vs' }] }] }
      : {}),
    subject: { reference: ref(ids.patient) },
    date: timestamp,
    author: [{ reference: ref(ids.organization) }],
    title: doc.title,
    ...(events.length > 0 ? { event: events } : {}),
    section: [
      {
        title: doc.section.title,
        code: { coding: [{ system: FHIR_SYSTEMS.LOINC, code: doc.section.code, display: doc.section.display }] },
        ...(core.kind === 'vaccination' ? { focus: { reference: ref(ids.event) } } : {}),
        entry: [{ reference: ref(ids.event) }],
      },
    ],
  };
  const resources = [
    composition,
    patientOf(ids.patient, core.person),
    organizationOf(ids.organization, core.certificate.issuer),
    event,
  ];
  return {
    resourceType: 'Bundle',
    id: ids.bundle,
    identifier: { system: FHIR_SYSTEMS.URI, value: ref(ids.bundle) },
    type: 'document',
    timestamp,
    entry: resources.map((resource) => ({ fullUrl: ref(resource.id), resource })),
  };
}
