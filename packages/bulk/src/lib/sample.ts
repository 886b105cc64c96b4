/**
 * Synthetic registry exports for trying `divoc issue` out and for tests: realistic rows (names in several
 * scripts, every vaccine `resolveVaccine` knows, dates, doses, facilities) with a share of bad rows of each kind.
 * Deterministic: the same seed and row count give byte-identical output. Column names are record fields of both
 * vaccination templates (every row has what `vaccination-v2` requires: dob, batch, facilityName, facilityCountry),
 * so `divoc issue --template vaccination` or `--template vaccination-v2` reads it with no mapping file.
 */
import { knownVaccines } from '@divoc/schemas';

/** The columns of a sample registry export, in order (the CSV header of `divoc sample`). */
export const SAMPLE_COLUMNS = [
  'refId',
  'name',
  'dob',
  'age',
  'gender',
  'nationality',
  'identity',
  'vaccine',
  'manufacturer',
  'batch',
  'vaccinationDate',
  'dose',
  'totalDoses',
  'facilityName',
  'facilityCountry',
  'vaccinatorName',
  'district',
  'state',
  'country',
] as const;

/** One synthetic registry row: values by {@link SAMPLE_COLUMNS} column. */
export type SampleRow = Partial<Record<(typeof SAMPLE_COLUMNS)[number], string | number>>;

/** Kinds of bad rows, each with the record field `divoc issue` reports for it. */
export const BAD_KINDS = {
  'missing-name': 'name',
  'bad-date': 'vaccinationDate',
  'unknown-vaccine': 'vaccine',
  'dose-over-total': 'dose',
} as const;
/** A kind of deliberately bad row (see {@link BAD_KINDS}). */
export type BadKind = keyof typeof BAD_KINDS;

interface Script {
  name: string;
  given: string[];
  family: string[];
  country: string;
  nationality: string;
  places: [district: string, state: string][];
}

// Names and places written as people write them; one script per list.
const SCRIPTS: Script[] = [
  {
    name: 'Latin',
    given: [
      'Asha',
      'Ravi',
      'Meena',
      'Arjun',
      'Fatima',
      'Joseph',
      'Priya',
      'Sunil',
      'Lakshmi',
      'Mohammed',
      'Anita',
      'David',
      'Kavya',
      'Rahul',
      'Nisha',
      'José',
      'Zoë',
    ],
    family: [
      'Verma',
      'Kumar',
      'Iyer',
      'Singh',
      'Khan',
      'Fernandes',
      "D'Souza",
      'Das',
      'Nair',
      'Reddy',
      'Gupta',
      'Mathew',
      'Banerjee',
    ],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Pune', 'Maharashtra'],
      ['Bengaluru Urban', 'Karnataka'],
      ['Ernakulam', 'Kerala'],
      ['Lucknow', 'Uttar Pradesh'],
    ],
  },
  {
    name: 'Devanagari',
    given: ['आशा', 'रवि', 'मीना', 'अर्जुन', 'प्रिया', 'सुनील', 'अनीता', 'राहुल'],
    family: ['वर्मा', 'कुमार', 'सिंह', 'गुप्ता', 'शर्मा', 'यादव'],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Varanasi', 'Uttar Pradesh'],
      ['Jaipur', 'Rajasthan'],
      ['Bhopal', 'Madhya Pradesh'],
    ],
  },
  {
    name: 'Tamil',
    given: ['அருண்', 'மீனா', 'கார்த்திக்', 'லக்ஷ்மி', 'செல்வி', 'முத்து'],
    family: ['ராஜா', 'முருகன்', 'சுப்பிரமணியன்', 'பாண்டியன்'],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Chennai', 'Tamil Nadu'],
      ['Madurai', 'Tamil Nadu'],
      ['Coimbatore', 'Tamil Nadu'],
    ],
  },
  {
    name: 'Bengali',
    given: ['অমিত', 'রিয়া', 'সুমন', 'প্রিয়াঙ্কা', 'তানিয়া'],
    family: ['দাস', 'বসু', 'চট্টোপাধ্যায়', 'সেন', 'রায়'],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Kolkata', 'West Bengal'],
      ['Howrah', 'West Bengal'],
    ],
  },
  {
    name: 'Sinhala',
    given: ['නිමල්', 'කමලා', 'සුනිල්', 'දිලානි', 'චමින්ද'],
    family: ['පෙරේරා', 'සිල්වා', 'ප්‍රනාන්දු', 'ජයසූරිය'],
    country: 'LK',
    nationality: 'Sri Lankan',
    places: [
      ['Colombo', 'Western'],
      ['Kandy', 'Central'],
      ['Galle', 'Southern'],
    ],
  },
  {
    name: 'Telugu',
    given: ['రవి', 'లక్ష్మి', 'శ్రీనివాస్', 'పద్మ'],
    family: ['రెడ్డి', 'నాయుడు', 'రావు'],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Hyderabad', 'Telangana'],
      ['Guntur', 'Andhra Pradesh'],
    ],
  },
  {
    name: 'Gurmukhi',
    given: ['ਹਰਪ੍ਰੀਤ', 'ਗੁਰਪ੍ਰੀਤ', 'ਮਨਜੀਤ'],
    family: ['ਸਿੰਘ', 'ਕੌਰ', 'ਗਿੱਲ'],
    country: 'IN',
    nationality: 'Indian',
    places: [
      ['Amritsar', 'Punjab'],
      ['Ludhiana', 'Punjab'],
    ],
  },
];
// Share of rows per script (Latin most common, as in most registries).
const SCRIPT_WEIGHTS = [40, 20, 12, 10, 8, 6, 4];

const FACILITIES = ['District Hospital', 'PHC', 'CHC', 'Urban Health Centre', 'Medical College Hospital', 'Sub Centre'];
const VACCINATORS = ['Nurse S. Rao', 'Dr. R. Kulkarni', 'ANM P. Das', 'Dr. A. Menon', 'Nurse K. Perera', 'ANM G. Kaur'];
const UNKNOWN_VACCINES = ['Vaxigen-X', 'CoviGuard Plus', 'Placebo', 'Covishield-XYZ-2'];
const BAD_DATES = ['2021-02-30', '2021-13-45', '31/12/2021', 'yesterday', '2021-06-31', '20210615'];

/** mulberry32: small, fast, good enough for test data (not for anything secret). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(seed: string): number {
  // FNV-1a over the seed text, so any string is a seed.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Options of {@link generateSample}. */
export interface SampleOptions {
  rows: number;
  seed: string;
  /** Share of bad rows, 0 to 1. */
  badRatio: number;
}

/** Counts of what a sample run generated: rows, good rows, bad rows by kind, names by script. */
export interface SampleStats {
  rows: number;
  good: number;
  bad: Record<BadKind, number>;
  scripts: Record<string, number>;
}

/**
 * Yields the rows one at a time (a million rows never sit in memory) and fills `stats` as it goes. Row i is bad
 * when its position in the cycle says so, so the count of bad rows is exact: round(rows × badRatio), spread evenly.
 */
export function* generateSample(
  options: SampleOptions,
  stats: SampleStats,
): Generator<{ row: SampleRow; bad?: BadKind }> {
  const random = prng(seedOf(options.seed));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const vaccines = knownVaccines();
  const weightTotal = SCRIPT_WEIGHTS.reduce((a, b) => a + b, 0);
  const badKinds = Object.keys(BAD_KINDS) as BadKind[];
  const identityOffset = Math.floor(random() * 899_999_999_999);
  const totalBad = Math.round(options.rows * options.badRatio);
  let badSoFar = 0;
  for (let i = 0; i < options.rows; i++) {
    // Spread the bad rows evenly: row i is bad when the running quota says one is due.
    const bad =
      Math.floor(((i + 1) * totalBad) / options.rows) > badSoFar ? badKinds[badSoFar % badKinds.length] : undefined;
    if (bad) badSoFar++;
    let w = random() * weightTotal;
    let s = 0;
    while (s < SCRIPTS.length - 1 && w >= (SCRIPT_WEIGHTS[s] as number)) w -= SCRIPT_WEIGHTS[s++] as number;
    const script = SCRIPTS[s] as Script;
    stats.scripts[script.name] = (stats.scripts[script.name] ?? 0) + 1;
    const vaccine = pick(vaccines);
    const totalDoses = vaccine.name === 'Jcovden' || vaccine.name === 'Sputnik Light' ? 1 : random() < 0.3 ? 3 : 2;
    const dose = 1 + Math.floor(random() * totalDoses);
    const birthYear = 1940 + Math.floor(random() * 66);
    const dob = `${birthYear}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
    const vaccinated =
      Date.UTC(2021, 0, 16) +
      Math.floor(random() * 1000) * 86_400_000 +
      Math.floor(random() * 36_000) * 1000 +
      3 * 3_600_000;
    const vaccinationDate =
      random() < 0.5 ? new Date(vaccinated).toISOString().slice(0, 10) : new Date(vaccinated).toISOString();
    const [district, state] = pick(script.places);
    // 12 distinct digits per row: i × a prime coprime to 9×10^11, so no two rows share an identity (one
    // certificate per row).
    const aadhaar = String(100_000_000_000 + ((i * 1_000_003 + identityOffset) % 900_000_000_000));
    const row: SampleRow = {
      refId: `R${pad(i + 1, 9)}`,
      name: `${pick(script.given)} ${pick(script.family)}`,
      // Every row has a date of birth (vaccination-v2 needs one); some also give an age, which vaccination prints.
      ...(random() < 0.05 ? { age: String(2022 - birthYear) } : {}),
      dob,
      gender: random() < 0.5 ? 'Female' : random() < 0.96 ? 'Male' : 'Other',
      nationality: script.nationality,
      identity: script.country === 'IN' ? `did:in.gov.uidai.aadhaar:${aadhaar}` : `did:lk.gov.nic:${aadhaar}`,
      vaccine: random() < 0.3 ? vaccine.name.toUpperCase() : vaccine.name,
      manufacturer: vaccine.manufacturerName,
      batch: `${String.fromCharCode(65 + Math.floor(random() * 26))}${Math.floor(random() * 1e6)
        .toString()
        .padStart(6, '0')}`,
      vaccinationDate,
      dose,
      totalDoses,
      facilityName: `${pick(FACILITIES)}, ${district}`,
      facilityCountry: script.country,
      vaccinatorName: pick(VACCINATORS),
      district,
      state,
      country: script.country,
    };
    if (bad === 'missing-name') delete row.name;
    else if (bad === 'bad-date') row.vaccinationDate = pick(BAD_DATES);
    else if (bad === 'unknown-vaccine') row.vaccine = pick(UNKNOWN_VACCINES);
    else if (bad === 'dose-over-total') {
      row.dose = totalDoses + 1;
    }
    if (bad) stats.bad[bad]++;
    else stats.good++;
    stats.rows++;
    yield bad ? { row, bad } : { row };
  }
}

/** Sample statistics with every count at zero, for {@link generateSample} to fill in. */
export function emptyStats(): SampleStats {
  return {
    rows: 0,
    good: 0,
    bad: { 'missing-name': 0, 'bad-date': 0, 'unknown-vaccine': 0, 'dose-over-total': 0 },
    scripts: {},
  };
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line of a sample export (with its newline). */
export function csvHeader(): string {
  return `${SAMPLE_COLUMNS.join(',')}\n`;
}

/** One sample row as a CSV line (quoted where needed, with its newline). */
export function csvLine(row: SampleRow): string {
  return `${SAMPLE_COLUMNS.map((c) => csvCell(row[c])).join(',')}\n`;
}
