/**
 * The offline verifier page: three ways in (camera, image/file upload, pasted text), one `verify` from
 * @divoc/verifier, one result panel. Trust comes only from files the operator loads (kept in localStorage so the page
 * works offline after the first visit) or from `?trust=FILE` on this same origin. Plain DOM, no framework; every
 * value from a credential is written with textContent, never as HTML.
 */
import {
  Trust,
  verify,
  type CredentialFormat,
  type TrustSourceKind,
  type TrustSourceSummary,
  type VerificationResult,
  type VerifyInput,
} from '@divoc/verifier';
import jsQRModule from 'jsqr';
import type { QRCode } from 'jsqr';

type JsQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' },
) => QRCode | null;
// jsQR is CommonJS; depending on interop its function is the module or its `default`.
const jsQR = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

const STORAGE_KEY = 'divoc-verifier:trust:v1';
/** Camera frames are scaled down to this many pixels on the long side: enough for a phone-sized QR, cheap to scan. */
const FRAME_MAX_SIDE = 800;
const SCAN_INTERVAL_MS = 150;

const FORMAT_NAMES: Record<CredentialFormat | 'unknown', string> = {
  'w3c-vc': 'W3C Verifiable Credential',
  'vc-compact': 'DIVOC compact QR (DIVOC1:)',
  'divoc-qr': 'DIVOC QR',
  pixelpass: 'PixelPass QR (MOSIP Inji)',
  dcc: 'EU Digital COVID Certificate',
  dvc: 'WHO Digital Vaccination Certificate',
  icvp: 'WHO International Certificate of Vaccination or Prophylaxis',
  shc: 'SMART Health Card',
  vdsnc: 'ICAO VDS-NC',
  'sd-jwt-vc': 'SD-JWT Verifiable Credential',
  unknown: 'Not recognised',
};

const KIND_NAMES: Record<TrustSourceKind, string> = {
  'trust-list': 'trust list',
  'trust-list-entry': 'trust-list entry',
  jwks: 'JWKS',
  jwk: 'JWK',
  'issuer-directory': 'SHC issuer directory',
  'jwt-vc-issuer-metadata': 'JWT VC Issuer Metadata',
  'dcc-signer-list': 'EU DCC signer list',
  'csca-certificate': 'CSCA certificate',
  'signer-certificate': 'signer certificate',
  'certificate-bundle': 'certificate bundle',
  'did-document': 'DID document',
  'did-key': 'did:key',
  'divoc-key': 'DIVOC key',
  'divoc-config': 'DIVOC configuration',
  'shc-revocation-list': 'SHC revocation list',
  'did-trust-list': 'DID trust list',
};

/** The "why" headline for the first failed check. */
const FAILURE_HEADLINES: Record<string, string> = {
  decode: 'Could not read the certificate',
  signature: 'The signature does not match: the content was altered or signed by another key',
  trust: 'The issuer is not trusted',
  validity: 'Not valid at this time',
  'key-usage': 'The issuer key may not sign this kind of certificate',
  schema: 'The content is malformed',
  revocation: 'The certificate has been revoked',
};

const CHECK_NAMES: Record<string, string> = {
  decode: 'Readable',
  signature: 'Signature',
  trust: 'Trusted issuer',
  validity: 'Within validity period',
  'key-usage': 'Key allowed for this use',
  schema: 'Content well-formed',
  revocation: 'Not revoked',
};

// ---------------------------------------------------------------------------------------------------------------
// DOM

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page is missing #${id}`);
  return found as T;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

const ui = {
  cameraStart: element<HTMLButtonElement>('camera-start'),
  cameraStop: element<HTMLButtonElement>('camera-stop'),
  cameraStatus: element<HTMLParagraphElement>('camera-status'),
  video: element<HTMLVideoElement>('camera-video'),
  upload: element<HTMLInputElement>('upload-input'),
  paste: element<HTMLTextAreaElement>('paste-input'),
  pasteVerify: element<HTMLButtonElement>('paste-verify'),
  result: element<HTMLElement>('result'),
  resultEmpty: element<HTMLParagraphElement>('result-empty'),
  resultBody: element<HTMLDivElement>('result-body'),
  verdict: element<HTMLParagraphElement>('verdict'),
  why: element<HTMLParagraphElement>('verdict-why'),
  facts: element<HTMLDListElement>('facts'),
  checks: element<HTMLUListElement>('checks'),
  trustStatus: element<HTMLParagraphElement>('trust-status'),
  trustList: element<HTMLUListElement>('trust-list'),
  trustInput: element<HTMLInputElement>('trust-input'),
  trustIssuer: element<HTMLInputElement>('trust-issuer'),
  trustError: element<HTMLParagraphElement>('trust-error'),
  trustClear: element<HTMLButtonElement>('trust-clear'),
  now: element<HTMLInputElement>('verify-now'),
  acceptExpired: element<HTMLInputElement>('accept-expired'),
  offline: element<HTMLParagraphElement>('offline-status'),
};

// ---------------------------------------------------------------------------------------------------------------
// Trust: files the operator loaded, kept in localStorage and replayed into a fresh Trust on every load.

interface StoredTrust {
  name: string;
  /** Text material (JSON, PEM, base64 DER, did:key). */
  text?: string;
  /** Binary material (a DER certificate), base64. */
  der?: string;
  /** SHC `iss` a JWKS was bound to. */
  issuer?: string;
}

interface LoadedTrust {
  name: string;
  summary: TrustSourceSummary;
  persisted: boolean;
}

let trust = new Trust();
let stored: StoredTrust[] = [];
let loaded: LoadedTrust[] = [];

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function isJwks(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && Array.isArray((json as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}

/**
 * Private key material in a trust file: refused outright, so it is never written to localStorage (Trust would keep only
 * the public half, but the page stores the file as given).
 */
const PRIVATE_KEY_PATTERN = /-----BEGIN [A-Z ]*PRIVATE KEY-----|"(d|privateKey[A-Za-z0-9]*|secretKey[A-Za-z0-9]*)"\s*:/;

/** `load`, not `add`: lists whose checks are asynchronous (WHO DID lists with x5c chains, EU DCC lists) load too. */
function addToTrust(target: Trust, entry: StoredTrust): Promise<TrustSourceSummary> {
  const content = entry.der !== undefined ? base64ToBytes(entry.der) : (entry.text ?? '');
  return target.load(content, entry.issuer !== undefined ? { issuer: entry.issuer } : {});
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

function readStored(): StoredTrust[] {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed)
      ? (parsed.filter((e) => typeof e === 'object' && e !== null && typeof e.name === 'string') as StoredTrust[])
      : [];
  } catch {
    return [];
  }
}

/** False when the browser refuses (quota, private mode): the material then lasts for this session only. */
function writeStored(): boolean {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    return true;
  } catch {
    return false;
  }
}

function renderTrust(): void {
  ui.trustList.replaceChildren();
  const perKind = new Map<string, number>();
  let keys = 0;
  for (const item of loaded) {
    const { summary } = item;
    keys += summary.keys;
    perKind.set(
      KIND_NAMES[summary.kind],
      (perKind.get(KIND_NAMES[summary.kind]) ?? 0) +
        Math.max(summary.keys, summary.cscas ?? 0, summary.revocationLists ?? 0),
    );
    const parts = [`${KIND_NAMES[summary.kind]}`, `${summary.keys} key${summary.keys === 1 ? '' : 's'}`];
    if (summary.cscas) parts.push(`${summary.cscas} CSCA`);
    if (summary.issuers) parts.push(`${summary.issuers} issuer${summary.issuers === 1 ? '' : 's'}`);
    if (summary.revocationLists)
      parts.push(`${summary.revocationLists} revocation list${summary.revocationLists === 1 ? '' : 's'}`);
    if (!item.persisted) parts.push('this session only');
    const li = make('li');
    li.append(make('strong', item.name), document.createTextNode(` — ${parts.join(', ')}`));
    ui.trustList.append(li);
  }
  ui.trustStatus.textContent =
    loaded.length === 0
      ? 'No trust material loaded: signatures can be checked, but no issuer will be trusted.'
      : `${keys} key${keys === 1 ? '' : 's'} trusted (${[...perKind].map(([kind, n]) => `${kind}: ${n}`).join(', ')}).`;
}

async function rebuildTrust(): Promise<void> {
  trust = new Trust();
  loaded = [];
  const kept: StoredTrust[] = [];
  for (const entry of stored) {
    try {
      loaded.push({ name: entry.name, summary: await addToTrust(trust, entry), persisted: true });
      kept.push(entry);
    } catch {
      // Material that no longer loads (e.g. stored by an older version) is dropped rather than blocking the page.
    }
  }
  stored = kept;
}

async function addTrustFiles(files: readonly File[]): Promise<void> {
  ui.trustError.textContent = '';
  const errors: string[] = [];
  const issuer = ui.trustIssuer.value.trim();
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = undefined;
    }
    const entry: StoredTrust =
      text !== undefined && bytes[0] !== 0x30
        ? { name: file.name, text, ...(issuer && isJwks(text) ? { issuer } : {}) }
        : { name: file.name, der: bytesToBase64(bytes) };
    if (text !== undefined && PRIVATE_KEY_PATTERN.test(text)) {
      errors.push(`${file.name}: holds a private key; load only the public key (nothing was added or stored)`);
      continue;
    }
    try {
      const summary = await addToTrust(trust, entry);
      stored.push(entry);
      loaded.push({ name: file.name, summary, persisted: true });
    } catch (error) {
      errors.push(`${file.name}: ${errorText(error)}`);
    }
  }
  if (!writeStored()) {
    for (const item of loaded) item.persisted = false;
    errors.push(
      'The browser would not store the trust material (storage full or private mode): it is kept for this ' +
        'session only.',
    );
  }
  ui.trustError.textContent = errors.join('\n');
  renderTrust();
}

/** `?trust=FILE`: trust material served next to the page (same origin only; never another host). */
async function loadTrustFromQuery(params: URLSearchParams): Promise<void> {
  for (const name of params.getAll('trust')) {
    const url = new URL(name, location.href);
    if (url.origin !== location.origin) {
      ui.trustError.textContent = `?trust=${name}: only files on this site are loaded`;
      continue;
    }
    try {
      const response = await fetch(url, { credentials: 'same-origin', redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const summary = await trust.load(new Uint8Array(await response.arrayBuffer()));
      loaded.push({ name, summary, persisted: false });
    } catch (error) {
      ui.trustError.textContent = `?trust=${name}: ${errorText(error)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Verification and the result panel

function verificationTime(): Date | undefined | null {
  const raw = ui.now.value.trim();
  if (raw === '') return undefined;
  const parsed = new Date(raw);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

let runId = 0;

/** Decode failures after which an image is worth a second try with the browser's own decoder. */
const RETRY_WITH_BROWSER = new Set([
  'ERR_QR_NOT_FOUND',
  'ERR_QR_IMAGE_UNSUPPORTED',
  'ERR_QR_IMAGE_CORRUPT',
  'ERR_QR_IMAGE_TOO_LARGE',
  'ERR_INPUT_UNRECOGNIZED',
]);

/**
 * Verify and show the result. `fallback` gives another reading of the input (QR text from the browser's image
 * decoder) for when the SDK could not read it.
 */
async function check(input: VerifyInput, fallback?: () => Promise<string | undefined>): Promise<void> {
  const id = ++runId;
  const now = verificationTime();
  if (now === null) {
    showMessage('Verification time is not a valid date (use ISO 8601, e.g. 2021-06-01T00:00:00Z).');
    return;
  }
  showMessage('Checking…', true);
  const options = { trust, ...(now ? { now } : {}), policy: { acceptExpiredKeys: ui.acceptExpired.checked } };
  let result: VerificationResult;
  try {
    result = await verify(input, options);
    const decode = result.checks.find((c) => c.name === 'decode');
    if (fallback && decode && !decode.ok && decode.code && RETRY_WITH_BROWSER.has(decode.code)) {
      const text = await fallback();
      if (text !== undefined) result = await verify(text, options);
    }
  } catch (error) {
    if (id === runId) showMessage(`Could not verify: ${errorText(error)}`);
    return;
  }
  if (id === runId) showResult(result);
}

function showMessage(text: string, busy = false): void {
  ui.result.setAttribute('aria-busy', String(busy));
  ui.resultBody.hidden = true;
  ui.resultEmpty.hidden = false;
  ui.resultEmpty.textContent = text;
}

function fact(label: string, value: string | number | undefined | null): void {
  if (value === undefined || value === null || value === '') return;
  ui.facts.append(make('dt', label), make('dd', String(value)));
}

const EVENT_NAMES = { vaccination: 'Vaccination', test: 'Test', recovery: 'Recovery', other: 'Other' } as const;

function showResult(result: VerificationResult): void {
  const { summary } = result;
  ui.result.setAttribute('aria-busy', 'false');
  ui.resultEmpty.hidden = true;
  ui.resultBody.hidden = false;
  ui.result.dataset.valid = String(result.valid);
  ui.result.dataset.format = result.format;

  ui.verdict.textContent = result.valid ? '✓ VALID' : '✗ INVALID';
  ui.verdict.className = `verdict ${result.valid ? 'valid' : 'invalid'}`;
  const failed = result.checks.filter((c) => !c.ok);
  ui.why.replaceChildren();
  if (!result.valid) {
    const first = failed[0];
    const headline = first ? (FAILURE_HEADLINES[first.name] ?? `${first.name} failed`) : 'Not verified';
    ui.why.append(document.createTextNode(`${headline}${first?.message ? `: ${first.message}` : '.'} `));
    if (first?.code) ui.why.append(make('code', first.code));
    if (failed.some((c) => c.name === 'trust') && loaded.length === 0)
      ui.why.append(document.createTextNode(' — no trust material is loaded.'));
    if (result.checks.some((c) => c.name === 'decode' && c.ok))
      ui.why.append(
        make('span', 'The details below are as written in the certificate; they are not verified.', 'unverified'),
      );
  }
  // Valid, with something a reader must know: an issuer claim the trust does not bind, fields the signature does not
  // bind.
  for (const warning of result.warnings ?? []) {
    const note = make('span', ` ${warning.message} `, 'unverified');
    note.dataset.warning = warning.code;
    note.append(make('code', warning.code));
    ui.why.append(note);
  }
  // Fields the signature leaves interchangeable with others (WARN_VC_AMBIGUOUS_TERMS) are never shown as certain.
  const unbound = new Set(
    (result.warnings ?? []).flatMap((w) => w.fields ?? []).map((path) => path.slice(path.lastIndexOf('.') + 1)),
  );
  const marked = (value: string | number | undefined, ...names: string[]): string | number | undefined =>
    value !== undefined && names.some((n) => unbound.has(n))
      ? `${value} (not bound by the signature: may have been swapped)`
      : value;

  ui.facts.replaceChildren();
  fact('Format', FORMAT_NAMES[result.format]);
  fact('Issuer', result.issuerName ? `${result.issuerName} (${result.issuer ?? ''})` : result.issuer);
  if (result.claimedIssuer !== undefined && result.claimedIssuer !== result.issuer)
    fact('Claimed issuer', `${result.claimedIssuer} (not bound to the signing key)`);
  fact('Name', summary.name);
  fact('Date of birth', summary.dateOfBirth);
  fact('Gender', summary.gender);
  if (result.checks.some((c) => c.name === 'decode' && c.ok)) fact('Event', EVENT_NAMES[summary.event]);
  fact('Vaccine', marked(summary.vaccine ?? summary.vaccineCode, 'vaccine'));
  fact('Manufacturer', marked(summary.manufacturer, 'manufacturer'));
  if (summary.dose !== undefined)
    fact(
      'Dose',
      marked(
        summary.totalDoses !== undefined ? `${summary.dose} of ${summary.totalDoses}` : summary.dose,
        'dose',
        'totalDoses',
      ),
    );
  fact('Test', summary.testType);
  fact('Result', summary.testResult);
  fact(
    summary.event === 'test' ? 'Sample taken' : summary.event === 'recovery' ? 'First positive test' : 'Date',
    marked(summary.date, 'date'),
  );
  fact('Country', summary.country);
  fact('Certificate id', marked(summary.certificateId, 'certificateId'));
  fact('Signature', result.details?.suite);

  ui.checks.replaceChildren();
  for (const c of result.checks) {
    const li = make('li', undefined, c.ok ? 'ok' : 'failed');
    li.dataset.check = c.name;
    li.append(
      make('span', c.ok ? '✓' : '✗', 'mark'),
      document.createTextNode(`${CHECK_NAMES[c.name] ?? c.name}${c.ok ? '' : ' — failed'}`),
    );
    li.setAttribute('aria-label', `${CHECK_NAMES[c.name] ?? c.name}: ${c.ok ? 'passed' : 'failed'}`);
    if (!c.ok && c.code) li.append(document.createTextNode(' '), make('code', c.code));
    if (c.message) li.append(make('div', c.message, 'muted'));
    ui.checks.append(li);
  }
  ui.result.focus({ preventScroll: false });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading QR codes from pixels (camera frames, images the browser decodes itself)

function utf8OrLatin1(bytes: Uint8Array, eci: number | null): string {
  if (eci !== 1 && eci !== 3) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // not UTF-8: the QR standard's default charset follows
    }
  }
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/**
 * The text a QR holds, from jsQR's segments: an ECI designator names the charset; without one, byte data is UTF-8
 * when it is valid UTF-8 and ISO-8859-1 otherwise (DIVOC's ZIP-as-binary-string QR codes depend on this).
 */
function qrText(code: QRCode): string {
  if (!code.chunks.some((c) => c.type === 'eci')) return utf8OrLatin1(Uint8Array.from(code.binaryData), null);
  let out = '';
  let eci: number | null = null;
  let run: number[] = [];
  for (const chunk of code.chunks) {
    if (chunk.type === 'eci') {
      out += utf8OrLatin1(Uint8Array.from(run), eci);
      run = [];
      eci = 'assignmentNumber' in chunk ? chunk.assignmentNumber : null;
    } else if ('bytes' in chunk) run.push(...chunk.bytes);
    else if ('text' in chunk) for (let i = 0; i < chunk.text.length; i++) run.push(chunk.text.charCodeAt(i) & 0xff);
  }
  return out + utf8OrLatin1(Uint8Array.from(run), eci);
}

const canvas = document.createElement('canvas');
const context2d = canvas.getContext('2d', { willReadFrequently: true });

function scanPixels(
  source: CanvasImageSource,
  width: number,
  height: number,
  inversion: 'dontInvert' | 'attemptBoth',
): string | undefined {
  if (!context2d || width === 0 || height === 0) return undefined;
  const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  context2d.drawImage(source, 0, 0, canvas.width, canvas.height);
  const pixels = context2d.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: inversion });
  return code ? qrText(code) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Camera

let stream: MediaStream | undefined;
let scanTimer: number | undefined;
/** SMART Health Card chunks (`shc:/i/n/...`) seen so far, by index. */
let shcChunks = new Map<number, string>();
let frame = 0;

function cameraState(text: string, running: boolean): void {
  ui.cameraStatus.textContent = text;
  ui.cameraStart.hidden = running;
  ui.cameraStop.hidden = !running;
  ui.video.hidden = !running;
}

function stopCamera(text = 'Camera stopped.'): void {
  if (scanTimer !== undefined) clearTimeout(scanTimer);
  scanTimer = undefined;
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  ui.video.srcObject = null;
  cameraState(text, false);
}

function cameraUnavailableReason(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Camera permission was refused. Allow the camera for this page, or upload an image instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera found on this device. Upload an image or paste the text instead.';
  if (name === 'NotReadableError') return 'The camera is in use by another application.';
  return `Camera not available (${errorText(error)}).`;
}

async function startCamera(): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    ui.cameraStart.disabled = true;
    ui.cameraStatus.dataset.state = 'unavailable';
    cameraState(
      'Camera not available: this browser gives no camera access here (it needs HTTPS or localhost). Upload an ' +
        'image or paste the text instead.',
      false,
    );
    return;
  }
  cameraState('Starting the camera…', false);
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' } },
      audio: false,
    });
  } catch (error) {
    ui.cameraStatus.dataset.state = 'unavailable';
    cameraState(cameraUnavailableReason(error), false);
    return;
  }
  ui.cameraStatus.dataset.state = 'scanning';
  ui.video.srcObject = stream;
  shcChunks = new Map();
  cameraState('Scanning… hold the QR code steady in view.', true);
  try {
    await ui.video.play();
  } catch {
    // Autoplay refusals still deliver frames once the element is visible; the scan loop waits for them.
  }
  scanLoop();
}

function scanLoop(): void {
  if (!stream) return;
  const video = ui.video;
  let text: string | undefined;
  if (video.readyState >= video.HAVE_CURRENT_DATA) {
    // Inverted codes are rare; trying both every frame doubles the cost on slow phones, so alternate.
    text = scanPixels(video, video.videoWidth, video.videoHeight, frame++ % 4 === 3 ? 'attemptBoth' : 'dontInvert');
  }
  if (text !== undefined) {
    const chunk = /^shc:\/(\d+)\/(\d+)\//.exec(text);
    if (chunk) {
      const total = Number(chunk[2]);
      shcChunks.set(Number(chunk[1]), text);
      if (shcChunks.size < total) {
        ui.cameraStatus.textContent =
          `SMART Health Card: ${shcChunks.size} of ${total} QR codes read; show ` + `the next one.`;
        scanTimer = window.setTimeout(scanLoop, SCAN_INTERVAL_MS);
        return;
      }
      stopCamera('QR codes read.');
      ui.cameraStatus.dataset.state = 'read';
      void check([...shcChunks.values()]);
      return;
    }
    stopCamera('QR code read.');
    ui.cameraStatus.dataset.state = 'read';
    void check(text);
    return;
  }
  scanTimer = window.setTimeout(scanLoop, SCAN_INTERVAL_MS);
}

// ---------------------------------------------------------------------------------------------------------------
// Upload

/**
 * The SDK reads PNG, JPEG and SVG itself; for other images (WebP, GIF, HEIC on some phones) use the browser's decoder.
 */
async function qrFromBrowserDecoder(file: File): Promise<string | undefined> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return undefined;
  try {
    const bitmap = await createImageBitmap(file);
    const text = scanPixels(bitmap, bitmap.width, bitmap.height, 'attemptBoth');
    bitmap.close();
    return text;
  } catch {
    return undefined;
  }
}

async function checkFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  const inputs = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  // Several files: the chunks of one SMART Health Card. One file the SDK cannot read: try the browser's decoder.
  if (inputs.length > 1) return check(inputs);
  return check(inputs[0]!, () => qrFromBrowserDecoder(files[0]!));
}

// ---------------------------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs)

function setupTabs(): void {
  const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role=tab]'));
  const select = (tab: HTMLButtonElement) => {
    for (const t of tabs) {
      const selected = t === tab;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
      element(t.getAttribute('aria-controls') ?? '').hidden = !selected;
    }
    if (tab.id !== 'tab-camera' && stream) stopCamera();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event: KeyboardEvent) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const next = tabs[(i + step + tabs.length) % tabs.length]!;
      select(next);
      next.focus();
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Start

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // `?now=2021-06-01T12:00:00+02:00` unencoded: the query turns `+` into a space; put it back.
  const now = params.get('now')?.replace(/ (\d\d:?\d\d)$/, '+$1');
  if (now) ui.now.value = now;
  if (params.get('acceptExpired') === '1') ui.acceptExpired.checked = true;

  stored = readStored();
  await rebuildTrust();
  await loadTrustFromQuery(params);
  renderTrust();

  setupTabs();
  ui.cameraStart.addEventListener('click', () => void startCamera());
  ui.cameraStop.addEventListener('click', () => stopCamera());
  if (!navigator.mediaDevices?.getUserMedia) {
    ui.cameraStatus.dataset.state = 'unavailable';
    ui.cameraStatus.textContent =
      'Camera not available here (it needs HTTPS or localhost). Upload an image or paste the text instead.';
    ui.cameraStart.disabled = true;
  }
  ui.upload.addEventListener('change', () => {
    void checkFiles(Array.from(ui.upload.files ?? []));
    ui.upload.value = '';
  });
  ui.pasteVerify.addEventListener('click', () => {
    const text = ui.paste.value.trim();
    if (text === '') return showMessage('Paste the QR text or credential JSON first.');
    // Several shc:/ chunks, one per line, are one card; verify() takes them as text with line breaks.
    void check(text);
  });
  ui.trustInput.addEventListener('change', () => {
    void addTrustFiles(Array.from(ui.trustInput.files ?? [])).then(() => (ui.trustInput.value = ''));
  });
  ui.trustClear.addEventListener('click', () => {
    stored = [];
    writeStored();
    trust = new Trust();
    loaded = [];
    ui.trustError.textContent = '';
    renderTrust();
  });

  // Offline after the first load: the service worker keeps the page's files (cache-first).
  if ('serviceWorker' in navigator) {
    try {
      await navigator.serviceWorker.register('sw.js');
      ui.offline.textContent = 'Available offline after this visit.';
    } catch {
      ui.offline.textContent = 'Offline use is not available in this browser.';
    }
  }
  document.documentElement.dataset.ready = 'true';
}

void main();
