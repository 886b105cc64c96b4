import { isJsonObject } from '@divoc/keys';
import {
  DdccMappingError,
  type DdccCoding,
  type DdccCoreDataSet,
  type DdccKind,
  type DdccSex,
  type DdccTestCategory,
  type DdccTestOutcome,
} from '@divoc/schemas';
import { SD_JWT_VC_TYPES_BY_KIND } from '../claims.js';

const SOURCE_TYPE: Record<DdccKind, string> = {
  vaccination: 'ProofOfVaccinationCredential',
  test: 'ProofOfTestCertificateCredential',
  recovery: 'ProofOfRecoveryCredential',
};

/**
 * The WHO DDCC core data set of the disclosed claims (the inverse of `healthClaimsOf`). Throws `DdccMappingError`
 * when the holder withheld, or the credential lacks, what the data set needs (the name, the event's date...).
 */
export function sdJwtVcCoreDataSet(claims: unknown): DdccCoreDataSet {
  if (!isJsonObject(claims)) throw new DdccMappingError('$', 'claims must be an object');
  const c = claims;
  const text = (name: string): string | undefined => (typeof c[name] === 'string' ? (c[name] as string) : undefined);
  const need = (name: string): string => {
    const value = text(name);
    if (value === undefined) throw new DdccMappingError(`$.${name}`, 'is not disclosed');
    return value;
  };
  const int = (name: string): number | undefined => (Number.isSafeInteger(c[name]) ? (c[name] as number) : undefined);
  const code = (name: string): DdccCoding | undefined => {
    const v = c[name];
    if (!isJsonObject(v) || typeof v.code !== 'string' || typeof v.system !== 'string') return undefined;
    return { code: v.code, system: v.system, ...(typeof v.display === 'string' ? { display: v.display } : {}) };
  };
  const kind = (Object.entries(SD_JWT_VC_TYPES_BY_KIND) as [DdccKind, string][]).find(([, vct]) => vct === c.vct)?.[0];
  if (kind === undefined) throw new DdccMappingError('$.vct', 'is not a vaccination, test or recovery type');
  const clean = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const family = text('family_name');
  const given = text('given_name');
  const person = clean({
    name: clean({
      text: need('name'),
      family,
      given,
      ...(text('name_latin') !== undefined ? { latin: { text: text('name_latin')! } } : {}),
      split: (family !== undefined ? 'record' : 'none') as 'record' | 'none',
    }),
    birthDate: text('birthdate'),
    age: int('age'),
    sex: text('sex') as DdccSex | undefined,
    identifier: text('subject_id'),
    nationality: text('nationality'),
    nationalId: text('national_id'),
    nationalIdType: text('national_id_type'),
    guardian: text('guardian'),
  });
  const certificate = {
    issuer: clean({ id: need('iss'), name: text('certificate_issuer') }),
    hcid: need('certificate_id'),
    type: SOURCE_TYPE[kind],
  };
  const disease = code('target_disease') ?? { code: 'RA01', system: 'http://id.who.int/icd/release/11/mms' };
  switch (kind) {
    case 'vaccination':
      return {
        kind,
        person,
        certificate,
        vaccination: clean({
          vaccine: code('vaccine'),
          brand: { display: need('vaccine_brand') },
          manufacturer:
            text('vaccine_manufacturer') !== undefined ? { display: text('vaccine_manufacturer')! } : undefined,
          lot: text('vaccine_lot'),
          date: need('vaccination_date'),
          dose: int('dose_number') ?? 0,
          totalDoses: int('total_doses'),
          nextDose: text('next_dose_date'),
          validFrom: text('valid_from'),
          validUntil: text('valid_until'),
          country: text('country'),
          centre: text('centre'),
          practitioner: text('practitioner'),
          disease,
        }),
      };
    case 'test':
      return {
        kind,
        person,
        certificate,
        test: clean({
          pathogen: disease,
          type: { display: need('test_type'), category: (text('test_category') ?? 'other') as DdccTestCategory },
          typeCode: code('test_type_code'),
          name: text('test_name'),
          manufacturer: text('test_manufacturer'),
          lot: text('test_lot'),
          origin: text('sample_origin'),
          date: need('sample_date'),
          resultDate: text('result_date'),
          result: { display: need('test_result'), outcome: (text('test_outcome') ?? 'other') as DdccTestOutcome },
          resultCode: code('test_result_code'),
          country: text('country'),
          centre: text('centre'),
          practitioner: text('practitioner'),
        }),
      };
    case 'recovery':
      return {
        kind,
        person,
        certificate,
        recovery: clean({
          disease,
          firstPositiveDate: need('first_positive_date'),
          validFrom: need('valid_from'),
          validUntil: need('valid_until'),
          country: text('country'),
          centre: text('centre'),
          practitioner: text('practitioner'),
        }),
      };
  }
}
