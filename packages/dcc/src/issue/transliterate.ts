/**
 * ICAO Doc 9303 Part 3 machine-readable names: upper-case Latin letters, `<` for spaces and hyphens, other
 * punctuation dropped. Latin letters with diacritics follow the ICAO recommended transliterations (Ä → AE,
 * ß → SS, Å → AA, Ø → OE, Þ → TH…); any other diacritic is dropped (É → E). Cyrillic and Greek use the ICAO
 * tables; other scripts have no transliteration here and are dropped (best effort: give `fnt`/`gnt` yourself).
 */

const LATIN: Record<string, string> = {
  Ä: 'AE',
  Æ: 'AE',
  Ǽ: 'AE',
  Å: 'AA',
  Ö: 'OE',
  Ø: 'OE',
  Œ: 'OE',
  Ü: 'UE',
  ß: 'SS',
  ẞ: 'SS',
  Þ: 'TH',
  Ð: 'D',
  Đ: 'D',
  Ħ: 'H',
  Ĳ: 'IJ',
  Ł: 'L',
  Ŀ: 'L',
  Ŋ: 'N',
  Ŧ: 'T',
  ı: 'I',
  ĸ: 'K',
};

// ICAO 9303 Part 3, Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian letters).
const CYRILLIC: Record<string, string> = {
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Ґ: 'G',
  Д: 'D',
  Ђ: 'D',
  Ѓ: 'G',
  Е: 'E',
  Ё: 'E',
  Є: 'IE',
  Ж: 'ZH',
  З: 'Z',
  Ѕ: 'DZ',
  И: 'I',
  І: 'I',
  Ї: 'I',
  Й: 'I',
  Ј: 'J',
  К: 'K',
  Л: 'L',
  Љ: 'LJ',
  М: 'M',
  Н: 'N',
  Њ: 'NJ',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  Ћ: 'C',
  Ќ: 'K',
  У: 'U',
  Ў: 'U',
  Ф: 'F',
  Х: 'KH',
  Ц: 'TS',
  Ч: 'CH',
  Џ: 'DZ',
  Ш: 'SH',
  Щ: 'SHCH',
  Ъ: 'IE',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'IU',
  Я: 'IA',
};

// ICAO 9303 Part 3, Greek.
const GREEK: Record<string, string> = {
  Α: 'A',
  Β: 'V',
  Γ: 'G',
  Δ: 'D',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'I',
  Θ: 'TH',
  Ι: 'I',
  Κ: 'K',
  Λ: 'L',
  Μ: 'M',
  Ν: 'N',
  Ξ: 'X',
  Ο: 'O',
  Π: 'P',
  Ρ: 'R',
  Σ: 'S',
  Τ: 'T',
  Υ: 'Y',
  Φ: 'F',
  Χ: 'CH',
  Ψ: 'PS',
  Ω: 'O',
};

const SEPARATOR = /[\s\-‐‑‒–—_]/u;

/**
 * `name` as an ICAO 9303 transliterated name (`A-Z` and `<`), at most `maxLength` characters; '' when nothing is
 * left.
 */
export function transliterateIcao(name: string, maxLength = 80): string {
  if (typeof name !== 'string') return '';
  let out = '';
  for (const ch of name.normalize('NFC').slice(0, 512).toUpperCase()) {
    if (SEPARATOR.test(ch)) {
      out += '<';
      continue;
    }
    if (ch >= 'A' && ch <= 'Z') {
      out += ch;
      continue;
    }
    const mapped = LATIN[ch] ?? CYRILLIC[ch] ?? GREEK[ch.normalize('NFD')[0]!];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    // Latin letter with a diacritic: keep the base letter (É → E, Ç → C, Ñ → N, Č → C).
    const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
    if (/^[A-Z]+$/.test(base)) out += base;
    // everything else (apostrophes, dots, digits, other scripts) is dropped
  }
  return out
    .replace(/<{2,}/g, '<')
    .replace(/^<+|<+$/g, '')
    .slice(0, maxLength)
    .replace(/<+$/, '');
}
