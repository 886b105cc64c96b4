/**
 * The labels printed on a certificate, by locale. A template names a message as `{{@key}}`; with several locales
 * (`['hi-IN', 'en']`) it prints the message in each, primary first, joined by " / ". Messages may hold the same
 * `{{field}}` placeholders as the template. The translations were written for this package: have a native speaker
 * review them before printing certificates for the public.
 */
import { PdfLocaleUnknownError } from './errors.js';

/** Every message key a catalogue has (the default template uses them all). */
export type PdfMessageKey =
  | 'title'
  | 'issuedBy'
  | 'issuedOn'
  | 'beneficiary'
  | 'dobAge'
  | 'gender'
  | 'id'
  | 'vaccination'
  | 'vaccine'
  | 'manufacturer'
  | 'dose'
  | 'doseOfTotal'
  | 'dateOfDose'
  | 'batch'
  | 'vaccinatedAt'
  | 'certificateId'
  | 'scanToVerify';

/** The labels of one locale, by message key (what `{{@key}}` in a template prints). */
/** One locale's catalogue: every message, by key. */
export type PdfMessages = Record<PdfMessageKey, string>;

const en: PdfMessages = {
  title: 'Certificate for Vaccination',
  issuedBy: 'Issued by',
  issuedOn: 'on',
  beneficiary: 'Beneficiary',
  dobAge: 'Date of birth / age',
  gender: 'Gender',
  id: 'ID',
  vaccination: 'Vaccination',
  vaccine: 'Vaccine',
  manufacturer: 'Manufacturer',
  dose: 'Dose',
  doseOfTotal: '{{dose}} of {{totalDoses}}',
  dateOfDose: 'Date of dose',
  batch: 'Batch',
  vaccinatedAt: 'Vaccinated at',
  certificateId: 'Certificate ID',
  scanToVerify: 'Scan the QR code to verify this certificate.',
};

const hi: PdfMessages = {
  title: 'टीकाकरण प्रमाणपत्र',
  issuedBy: 'जारीकर्ता',
  issuedOn: 'दिनांक',
  beneficiary: 'लाभार्थी',
  dobAge: 'जन्म तिथि या आयु',
  gender: 'लिंग',
  id: 'पहचान',
  vaccination: 'टीकाकरण',
  vaccine: 'टीके का नाम',
  manufacturer: 'निर्माता',
  dose: 'खुराक',
  doseOfTotal: '{{totalDoses}} में से {{dose}}',
  dateOfDose: 'खुराक की तिथि',
  batch: 'बैच संख्या',
  vaccinatedAt: 'टीकाकरण केंद्र',
  certificateId: 'प्रमाणपत्र आईडी',
  scanToVerify: 'इस प्रमाणपत्र को सत्यापित करने के लिए QR कोड स्कैन करें।',
};

const ta: PdfMessages = {
  title: 'தடுப்பூசி சான்றிதழ்',
  issuedBy: 'வழங்கியவர்',
  issuedOn: 'தேதி',
  beneficiary: 'பயனாளி',
  dobAge: 'பிறந்த தேதி அல்லது வயது',
  gender: 'பாலினம்',
  id: 'அடையாள எண்',
  vaccination: 'தடுப்பூசி விவரம்',
  vaccine: 'தடுப்பூசி',
  manufacturer: 'உற்பத்தியாளர்',
  dose: 'தவணை',
  doseOfTotal: '{{totalDoses}} இல் {{dose}}',
  dateOfDose: 'தவணை தேதி',
  batch: 'தொகுதி எண்',
  vaccinatedAt: 'தடுப்பூசி மையம்',
  certificateId: 'சான்றிதழ் எண்',
  scanToVerify: 'இந்தச் சான்றிதழைச் சரிபார்க்க QR குறியீட்டை ஸ்கேன் செய்யவும்.',
};

const si: PdfMessages = {
  title: 'එන්නත්කරණ සහතිකය',
  issuedBy: 'නිකුත් කළේ',
  issuedOn: 'දිනය',
  beneficiary: 'ප්‍රතිලාභියා',
  dobAge: 'උපන් දිනය හෝ වයස',
  gender: 'ස්ත්‍රී/පුරුෂ භාවය',
  id: 'හැඳුනුම් අංකය',
  vaccination: 'එන්නත්කරණය',
  vaccine: 'එන්නත',
  manufacturer: 'නිෂ්පාදකයා',
  dose: 'මාත්‍රාව',
  doseOfTotal: '{{totalDoses}} න් {{dose}}',
  dateOfDose: 'මාත්‍රාව දුන් දිනය',
  batch: 'කාණ්ඩ අංකය',
  vaccinatedAt: 'එන්නත් කළ ස්ථානය',
  certificateId: 'සහතික අංකය',
  scanToVerify: 'මෙම සහතිකය තහවුරු කිරීමට QR කේතය ස්කෑන් කරන්න.',
};

const bn: PdfMessages = {
  title: 'টিকাকরণ শংসাপত্র',
  issuedBy: 'প্রদানকারী',
  issuedOn: 'তারিখ',
  beneficiary: 'সুবিধাভোগী',
  dobAge: 'জন্ম তারিখ বা বয়স',
  gender: 'লিঙ্গ',
  id: 'পরিচয়',
  vaccination: 'টিকাকরণ',
  vaccine: 'টিকার নাম',
  manufacturer: 'প্রস্তুতকারক',
  dose: 'ডোজ',
  doseOfTotal: '{{totalDoses}} এর মধ্যে {{dose}}',
  dateOfDose: 'ডোজের তারিখ',
  batch: 'ব্যাচ নম্বর',
  vaccinatedAt: 'টিকাকরণ কেন্দ্র',
  certificateId: 'শংসাপত্র নম্বর',
  scanToVerify: 'এই শংসাপত্র যাচাই করতে QR কোড স্ক্যান করুন।',
};

/** The shipped catalogues, by language (BCP 47 primary subtag). */
export const PDF_MESSAGES: Readonly<Record<string, Readonly<PdfMessages>>> = { en, hi, ta, si, bn };

/** The locales a caller can ask for. */
export const PDF_LOCALES: readonly string[] = Object.keys(PDF_MESSAGES);

/**
 * `'hi-IN,en'` or `['hi-IN', 'en']` → the catalogues, primary first. A tag matches exactly, else by its language
 * (`hi-IN` → `hi`); anything else is a PdfLocaleUnknownError naming what is available.
 */
export function resolvePdfLocales(locale: string | readonly string[] | undefined): PdfMessages[] {
  const tags = (typeof locale === 'string' ? locale.split(',') : (locale ?? ['en'])).map((t) => t.trim());
  if (tags.length === 0 || tags.every((t) => t === ''))
    throw new PdfLocaleUnknownError(`no locale given (available: ${PDF_LOCALES.join(', ')})`);
  const out: PdfMessages[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    const catalogue = PDF_MESSAGES[lower] ?? PDF_MESSAGES[lower.split(/[-_]/)[0] ?? ''];
    if (!/^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/.test(lower) || catalogue === undefined)
      throw new PdfLocaleUnknownError(
        `unknown PDF locale ${JSON.stringify(tag)} (available: ${PDF_LOCALES.join(', ')}; ` +
          'a list such as "hi-IN,en" prints both)',
      );
    if (!out.includes(catalogue)) out.push(catalogue);
  }
  return out;
}

/** `{{@key}}` → the message in each locale, joined by " / ". An unknown key is left as written. */
export function expandMessages(text: string, catalogues: readonly PdfMessages[]): string {
  return text.replace(/\{\{\s*@([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(en, key)) return whole;
    return catalogues.map((c) => c[key as PdfMessageKey]).join(' / ');
  });
}

/** Message keys a template may name. */
export function isPdfMessageKey(key: string): key is PdfMessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
