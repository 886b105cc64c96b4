/*! EU DCC value sets (ehn-dcc-development/eu-dcc-valuesets @ 60ea3d86): Apache License 2.0. */
import countryCodes from './dcc/country-2-codes.json' with { type: 'json' };
import diseaseAgentTargeted from './dcc/disease-agent-targeted.json' with { type: 'json' };
import testManufacturer from './dcc/test-manf-example.json' with { type: 'json' };
import testResult from './dcc/test-result.json' with { type: 'json' };
import testType from './dcc/test-type.json' with { type: 'json' };
import vaccineEncodingInstructions from './dcc/vaccine-encoding-instructions.json' with { type: 'json' };
import vaccineMahManf from './dcc/vaccine-mah-manf.json' with { type: 'json' };
import vaccineMedicinalProduct from './dcc/vaccine-medicinal-product.json' with { type: 'json' };
import vaccineProphylaxis from './dcc/vaccine-prophylaxis.json' with { type: 'json' };
import { deepFreeze } from '../lib/freeze.js';

/** One code of an EU DCC value set. */
export interface ValueSetEntry {
  readonly display: string;
  readonly lang: string;
  readonly active: boolean;
  readonly system: string;
  readonly version: string;
}

/** An EU DCC value set: its id, date and codes. */
export interface ValueSet {
  readonly valueSetId: string;
  readonly valueSetDate: string;
  readonly valueSetValues: Readonly<Record<string, ValueSetEntry>>;
}

/** One entry of the EU "vaccine encoding instructions" list (keyed by product display name). */
export interface VaccineEncodingInstruction {
  readonly 'vaccine-code': string;
  readonly 'vaccine-manufacturer': string;
  readonly 'sct-codes': readonly string[];
  readonly note?: string;
}

/** The EU DCC value sets bundled with this package, by name. */
export interface DccValueSets {
  /** `mp`: EU product numbers (`EU/1/20/1528`) or names for non-EU vaccines (`Covishield`). */
  readonly vaccineMedicinalProduct: ValueSet;
  /** `ma`: marketing authorisation holders / manufacturers (`ORG-100001981`, `Bharat-Biotech`). */
  readonly vaccineMahManf: ValueSet;
  /** `vp`: vaccine or prophylaxis (SNOMED CT; `J07BX03` is deprecated). */
  readonly vaccineProphylaxis: ValueSet;
  /** `tg`: disease or agent targeted (`840539006` COVID-19). */
  readonly diseaseAgentTargeted: ValueSet;
  /** `tt`: test type (LOINC). */
  readonly testType: ValueSet;
  /** `tr`: test result (SNOMED CT). */
  readonly testResult: ValueSet;
  /** `ma` for rapid antigen tests (JRC device list, example snapshot). */
  readonly testManufacturer: ValueSet;
  /** `co`: ISO 3166-1 alpha-2 countries. */
  readonly countryCodes: ValueSet;
  /** How each vaccine is encoded (product, manufacturer, SNOMED codes). */
  readonly vaccineEncodingInstructions: {
    readonly valueSetId: string;
    readonly valueSetDate: string;
    readonly valueSetValues: Readonly<Record<string, VaccineEncodingInstruction>>;
  };
}

// Frozen in place, not copied: the documents are this package's own (a copy through JSON text took ~2 ms at import).
/** The EU Digital COVID Certificate value sets, deeply frozen. */
export const dccValueSets: DccValueSets = deepFreeze<DccValueSets>({
  vaccineMedicinalProduct,
  vaccineMahManf,
  vaccineProphylaxis,
  diseaseAgentTargeted,
  testType,
  testResult,
  testManufacturer,
  countryCodes,
  vaccineEncodingInstructions,
});

/** The name of a bundled EU DCC value set. */
export type DccValueSetName = Exclude<keyof DccValueSets, 'vaccineEncodingInstructions'>;

/** The entry for `code` in value set `name`, or `undefined` (also for unknown names and inherited keys). */
export function lookupValueSet(name: DccValueSetName, code: string): ValueSetEntry | undefined {
  if (
    typeof name !== 'string' ||
    typeof code !== 'string' ||
    (name as string) === 'vaccineEncodingInstructions' ||
    !Object.hasOwn(dccValueSets, name)
  )
    return undefined;
  const set = dccValueSets[name];
  return Object.hasOwn(set.valueSetValues, code) ? set.valueSetValues[code] : undefined;
}
