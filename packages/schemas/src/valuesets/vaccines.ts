/**
 * ICD-11 extension codes for COVID-19 vaccines, by platform (WHO DDCC:VS uses these). We emit the
 * platform codes rather than ICD-11's per-product codes so every vaccine maps to a stable, widely
 * recognised code. Note XM1AU2 is the product code for Sinopharm WIBP-CorV, not "inactivated".
 */
export const ICD11_COVID19_VACCINE = Object.freeze({
  /** COVID-19 vaccines (unspecified). */
  ANY: 'XM68M6',
  INACTIVATED_VIRUS: 'XM1NL1',
  RNA: 'XM0GQ8',
  NON_REPLICATING_VIRAL_VECTOR: 'XM9QW8',
  REPLICATING_VIRAL_VECTOR: 'XM0CX4',
  PROTEIN_SUBUNIT: 'XM5JC5',
  DNA: 'XM6AT1',
  VIRUS_LIKE_PARTICLE: 'XM1J92',
  LIVE_ATTENUATED: 'XM5DF6',
} as const);

/** ATC code for COVID-19 vaccines (deprecated in the EU `vp` value set, still common in DDCC data). */
export const ATC_COVID19_VACCINES = 'J07BX03';
/** ICD-11 code of the disease (COVID-19) and its SNOMED CT code used by the EU DCC (`tg`). */
export const COVID19_DISEASE = Object.freeze({ icd11: 'RA01', snomed: '840539006', display: 'COVID-19' } as const);

/** What `resolveVaccine` knows about a vaccine: its name, codes and manufacturer. */
export interface ResolvedVaccine {
  /** Canonical product name. */
  name: string;
  /** ICD-11 platform code (`XM…`). */
  icd11: string;
  /** Human-readable platform, e.g. "COVID-19 vaccine, non-replicating viral vector" (DIVOC's `prophylaxis`). */
  platform: string;
  /** SNOMED CT vaccine code as the EU `vp` value set encodes it. */
  snomed: string;
  /** EU `mp` value-set code; absent for vaccines the EU list does not carry (ZyCoV-D, Corbevax). */
  euProduct?: string;
  /** EU `ma` value-set code of the marketing authorisation holder / manufacturer, when listed. */
  manufacturer?: string;
  /** Manufacturer's name as printed on certificates. */
  manufacturerName: string;
  /** ATC code, always `J07BX03`. */
  prophylaxis: typeof ATC_COVID19_VACCINES;
}

const PLATFORM_TEXT: Record<string, string> = {
  XM1NL1: 'COVID-19 vaccine, inactivated virus',
  XM0GQ8: 'COVID-19 vaccine, RNA based',
  XM9QW8: 'COVID-19 vaccine, non-replicating viral vector',
  XM0CX4: 'COVID-19 vaccine, replicating viral vector',
  XM5JC5: 'COVID-19 vaccine, virus protein subunit',
  XM6AT1: 'COVID-19 vaccine, DNA based',
};
// SNOMED CT codes from the EU vaccine-prophylaxis value set, by platform.
const SNOMED: Record<string, string> = {
  XM1NL1: '1157024006',
  XM0GQ8: '1119349007',
  XM9QW8: '29061000087103',
  XM5JC5: '1162643001',
  XM6AT1: '1187593009',
};

type Entry = Omit<ResolvedVaccine, 'platform' | 'snomed' | 'prophylaxis'> & { aliases: string[] };

const V = ICD11_COVID19_VACCINE;
const VACCINES: Entry[] = [
  {
    name: 'Covishield',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'Covishield',
    manufacturer: 'ORG-100001981',
    manufacturerName: 'Serum Institute of India',
    aliases: ['covishield', 'covi shield'],
  },
  {
    name: 'Covaxin',
    icd11: V.INACTIVATED_VIRUS,
    euProduct: 'Covaxin',
    manufacturer: 'Bharat-Biotech',
    manufacturerName: 'Bharat Biotech',
    aliases: ['covaxin', 'bbv152'],
  },
  {
    name: 'Sputnik V',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'Sputnik-V',
    manufacturer: 'Gamaleya-Research-Institute',
    manufacturerName: 'Gamaleya Research Institute',
    aliases: ['sputnikv', 'sputnik', 'gamcovidvac'],
  },
  {
    name: 'Sputnik Light',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'Sputnik-Light',
    manufacturer: 'Gamaleya-Research-Institute',
    manufacturerName: 'Gamaleya Research Institute',
    aliases: ['sputniklight'],
  },
  // Not in the EU value sets: no euProduct / manufacturer code.
  { name: 'ZyCoV-D', icd11: V.DNA, manufacturerName: 'Zydus Cadila', aliases: ['zycovd', 'zycov'] },
  { name: 'Corbevax', icd11: V.PROTEIN_SUBUNIT, manufacturerName: 'Biological E', aliases: ['corbevax'] },
  {
    name: 'Covovax',
    icd11: V.PROTEIN_SUBUNIT,
    euProduct: 'Covovax',
    manufacturer: 'ORG-100001981',
    manufacturerName: 'Serum Institute of India',
    aliases: ['covovax'],
  },
  {
    name: 'Spikevax',
    icd11: V.RNA,
    euProduct: 'EU/1/20/1507',
    manufacturer: 'ORG-100031184',
    manufacturerName: 'Moderna',
    aliases: ['spikevax', 'moderna', 'mrna1273', 'modernaspikevax', 'spikevaxmoderna'],
  },
  {
    name: 'Comirnaty',
    icd11: V.RNA,
    euProduct: 'EU/1/20/1528',
    manufacturer: 'ORG-100030215',
    manufacturerName: 'BioNTech / Pfizer',
    aliases: ['comirnaty', 'pfizer', 'pfizerbiontech', 'biontech', 'bnt162b2', 'pfizercomirnaty', 'comirnatypfizer'],
  },
  // Ad26.COV2.S is a non-replicating vector (WHO), whatever some national lists say.
  {
    name: 'Jcovden',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'EU/1/20/1525',
    manufacturer: 'ORG-100001417',
    manufacturerName: 'Janssen',
    aliases: ['jcovden', 'janssen', 'johnsonjohnson', 'johnsonandjohnson', 'jj', 'ad26cov2s'],
  },
  {
    name: 'BBIBP-CorV',
    icd11: V.INACTIVATED_VIRUS,
    euProduct: 'BBIBP-CorV',
    manufacturer: 'ORG-100020693',
    manufacturerName: 'Sinopharm (Beijing)',
    aliases: ['bbibpcorv', 'bbibp', 'sinopharm', 'sinopharmbbibp', 'sinopharmbbibpcorv', 'covilo'],
  },
  {
    name: 'CoronaVac',
    icd11: V.INACTIVATED_VIRUS,
    euProduct: 'CoronaVac',
    manufacturer: 'Sinovac-Biotech',
    manufacturerName: 'Sinovac Biotech',
    aliases: ['coronavac', 'sinovac', 'sinovaccoronavac'],
  },
  {
    name: 'Vaxzevria',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'EU/1/21/1529',
    manufacturer: 'ORG-100001699',
    manufacturerName: 'AstraZeneca',
    aliases: ['vaxzevria', 'astrazeneca', 'azd1222', 'oxfordastrazeneca', 'astrazenecavaxzevria'],
  },
  {
    name: 'Nuvaxovid',
    icd11: V.PROTEIN_SUBUNIT,
    euProduct: 'EU/1/21/1618',
    manufacturer: 'ORG-100032020',
    manufacturerName: 'Novavax',
    aliases: ['nuvaxovid', 'novavax', 'nvxcov2373'],
  },
  {
    name: 'Convidecia',
    icd11: V.NON_REPLICATING_VIRAL_VECTOR,
    euProduct: 'Convidecia',
    manufacturer: 'ORG-100013793',
    manufacturerName: 'CanSino Biologics',
    aliases: ['convidecia', 'cansino'],
  },
];

function key(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

let index: Map<string, Entry> | undefined;

/** Name or alias key -> entry, built on first use (not at import: issue 14, start-up time). */
function vaccineIndex(): Map<string, Entry> {
  if (index === undefined) {
    index = new Map();
    for (const e of VACCINES) {
      index.set(key(e.name), e);
      for (const a of e.aliases) index.set(key(a), e);
    }
  }
  return index;
}

/**
 * Maps a vaccine name as written in DIVOC registries ("COVISHIELD", "Sputnik V", "Pfizer/Comirnaty"...)
 * to its codes. Case, spaces and punctuation are ignored. `undefined` if unknown.
 */
export function resolveVaccine(name: string): ResolvedVaccine | undefined {
  if (typeof name !== 'string' || name.length > 128) return undefined;
  const k = key(name);
  const byKey = vaccineIndex();
  let e = byKey.get(k);
  // "Moderna/Spikevax", "Pfizer-BioNTech (Comirnaty)": try each part.
  if (e === undefined) {
    for (const part of name.split(/[/(),|]+/)) {
      e = byKey.get(key(part));
      if (e !== undefined) break;
    }
  }
  if (e === undefined) return undefined;
  const { aliases: _aliases, ...rest } = e;
  return {
    ...rest,
    platform: PLATFORM_TEXT[e.icd11] ?? 'COVID-19 vaccines',
    snomed: SNOMED[e.icd11] ?? '28531000087107',
    prophylaxis: ATC_COVID19_VACCINES,
  };
}

/** Every vaccine `resolveVaccine` knows, by canonical name. */
export function knownVaccines(): ResolvedVaccine[] {
  return VACCINES.map((e) => resolveVaccine(e.name)!);
}
