/**
 * The offline verifier page in a real browser: build it (build.mjs: esbuild, no Node built-ins allowed), serve dist/
 * from a loopback server, drive headless Chromium (Debian package) with playwright-core, and check what the page
 * shows for a dgc-testdata QR image, a SMART Health Card QR image, QR codes we issue here, tampered and unknown input,
 * pasted text, the camera (Chromium's fake camera playing a QR we render into a .y4m file), trust persistence, and
 * offline use after the first load (service worker). No request may leave the loopback server.
 *
 * @divoc/* are bundled from the packages' dist/ (as an app that installed the SDK would), so `pnpm build` must have
 * run (`pnpm test` does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSigner,
  exportPublicJwk,
  generateKeyPair,
  jwkThumbprint,
  toTrustListEntry,
  verificationMethodId,
} from '@divoc/keys';
import { issueSdJwtVcFromDdcc } from '@divoc/sd-jwt';
import { createDevelopmentCsca, createDevelopmentSigner } from '@divoc/dcc';
import { issueAllFormats } from '@divoc/issuer';
import { createQrMatrix, renderQr } from '@divoc/qr';
import { launchChromium } from '../../../test/browser/lib.js';
import { vectorText } from '../../../test/support/vectors.js';

const exampleDir = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = join(exampleDir, '..', '..');
const vector = vectorText;

/** Packages the page's bundle reaches, whose dist/ must exist. */
const BUNDLED_PACKAGES = ['verifier', 'keys', 'schemas', 'vc', 'qr', 'dcc', 'shc', 'vdsnc', 'sd-jwt', 'status'];

const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';
const ISSUER = 'https://divoc.example';

interface BuildSizes {
  out: string;
  sizes: Record<string, { raw: number; gzip: number }>;
  total: { raw: number; gzip: number };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.pem': 'application/x-pem-file',
};

function buildPage(out: string, entry?: string): BuildSizes {
  const stdout = execFileSync(process.execPath, [join(exampleDir, 'build.mjs'), '--json'], {
    cwd: exampleDir,
    env: { ...process.env, VERIFIER_WEB_OUT: out, ...(entry ? { VERIFIER_WEB_ENTRY: entry } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as BuildSizes;
}

/** A YUV4MPEG2 (4:2:0) clip of one still frame: the QR code of `text`, black on white, centred. */
function qrY4m(text: string): Buffer {
  const matrix = createQrMatrix(text);
  const modulePx = 4;
  const side = (matrix.size + 8) * modulePx;
  const width = Math.max(640, side + 64) & ~1;
  const height = Math.max(480, side + 64) & ~1;
  const y = Buffer.alloc(width * height, 235);
  const left = Math.floor((width - matrix.size * modulePx) / 2);
  const top = Math.floor((height - matrix.size * modulePx) / 2);
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (matrix.modules[row * matrix.size + col] !== 1) continue;
      for (let dy = 0; dy < modulePx; dy++)
        y.fill(
          16,
          (top + row * modulePx + dy) * width + left + col * modulePx,
          (top + row * modulePx + dy) * width + left + (col + 1) * modulePx,
        );
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

interface Shown {
  valid: string | null;
  format: string | null;
  verdict: string;
  why: string;
  facts: Record<string, string>;
  checks: { name: string; ok: boolean; text: string }[];
}

/** What the result panel shows (read as a user would: texts, plus the data attributes the page sets). */
async function shown(page: Page): Promise<Shown> {
  await page.waitForSelector('#result[data-valid][aria-busy=false]', { timeout: 20_000 });
  return page.evaluate(() => {
    const result = document.getElementById('result')!;
    const dts = Array.from(document.querySelectorAll('#facts dt'));
    return {
      valid: result.getAttribute('data-valid'),
      format: result.getAttribute('data-format'),
      verdict: document.getElementById('verdict')!.textContent ?? '',
      why: document.getElementById('verdict-why')!.textContent ?? '',
      facts: Object.fromEntries(dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])),
      checks: Array.from(document.querySelectorAll<HTMLElement>('#checks li')).map((li) => ({
        name: li.dataset.check ?? '',
        ok: li.classList.contains('ok'),
        text: li.textContent ?? '',
      })),
    };
  });
}

/** Forget the previous result, so the next `shown` waits for a new one. */
async function clearResult(page: Page): Promise<void> {
  await page.evaluate(() => document.getElementById('result')!.removeAttribute('data-valid'));
}

async function setClock(page: Page, iso: string): Promise<void> {
  await page.evaluate((value) => {
    (document.getElementById('verify-now') as HTMLInputElement).value = value;
  }, iso);
}

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer | Uint8Array): Promise<Shown> {
  await clearResult(page);
  await page.click('#tab-upload');
  await page.setInputFiles('#upload-input', { name, mimeType, buffer: Buffer.from(buffer) });
  return shown(page);
}

async function paste(page: Page, text: string): Promise<Shown> {
  await clearResult(page);
  await page.click('#tab-paste');
  await page.fill('#paste-input', text);
  await page.click('#paste-verify');
  return shown(page);
}

describe('examples/verifier-web in headless Chromium', () => {
  let workDir: string;
  let outDir: string;
  let sizes: BuildSizes;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const foreign: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  const dcc = JSON.parse(vector('dcc/dgc-testdata/DE/2DCode/raw/1.json')) as {
    PREFIX: string;
    '2DCODE': string;
    EXPECTEDVERIFY?: boolean;
    TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
  };
  const shcNumeric = vector('shc/examples/example-00-f-qr-code-numeric-value-0.txt').trim();
  let issued: {
    compact: string;
    compactPng: Uint8Array;
    divocQrPng: Uint8Array;
    dcc: string;
    dccPng: Uint8Array;
    pixelpass: string;
    sdJwt: string;
  };

  beforeAll(async () => {
    const missing = BUNDLED_PACKAGES.filter(
      (name) => !existsSync(join(repoRoot, 'packages', name, 'dist', 'index.js')),
    );
    if (missing.length > 0) throw new Error(`dist/ missing for ${missing.join(', ')}: run pnpm build first`);
    workDir = mkdtempSync(join(tmpdir(), 'divoc-verifier-web-'));
    outDir = join(workDir, 'dist');
    sizes = buildPage(outDir);

    // Credentials we issue here, and the trust for them: a trust list for the VC key, the DCC document signer's PEM.
    const vcKey = await generateKeyPair('Ed25519');
    const vm = verificationMethodId(vcKey);
    const csca = await createDevelopmentCsca({ country: 'IN', validFrom: new Date(Date.now() - 86_400_000) });
    const dsc = await createDevelopmentSigner({ csca, validFrom: new Date(Date.now() - 86_400_000) });
    const record = {
      refId: 'R-1002',
      name: 'राजेश कुमार',
      nameLatin: 'Rajesh Kumar',
      dob: '1990-01-15',
      gender: 'Male',
      vaccine: 'Covishield',
      batch: 'AB348FS',
      vaccinationDate: '2021-07-12',
      dose: 1,
      totalDoses: 2,
      facilityName: 'PHC Rohini',
      facilityCountry: 'IN',
      vaccinatorName: 'Dr. Meera Rao',
    };
    const all = await issueAllFormats(
      { template: 'vaccination-v2', record },
      {
        issuer: ISSUER,
        keys: { vc: createSigner(vcKey, { id: vm }), dcc: { signer: dsc.signer, certificate: dsc.certificatePem } },
        formats: ['vc-compact', 'divoc-qr', 'pixelpass', 'dcc'],
        qr: 'png',
      },
    );
    if (all.errors) throw new Error(`issuing failed: ${JSON.stringify(all.errors)}`);
    const out = all.outputs;
    // An SD-JWT VC of the same record, by a P-256 key whose JWT VC Issuer Metadata is served for ?trust=.
    const sdKey = await generateKeyPair('P-256');
    const kid = jwkThumbprint(sdKey);
    const sdJwt = await issueSdJwtVcFromDdcc(all.ddcc, {
      signer: createSigner(sdKey, { id: kid }),
      issuer: ISSUER,
      kid,
    });
    issued = {
      compact: out['vc-compact']!.text,
      compactPng: out['vc-compact']!.image as Uint8Array,
      divocQrPng: out['divoc-qr']!.image as Uint8Array,
      dcc: out.dcc!.hc1,
      dccPng: out.dcc!.image as Uint8Array,
      pixelpass: out.pixelpass!.text,
      sdJwt,
    };
    writeFileSync(
      join(outDir, 'sd-jwt-issuer.json'),
      JSON.stringify({ issuer: ISSUER, jwks: { keys: [{ ...exportPublicJwk(sdKey), kid }] } }),
    );
    writeFileSync(
      join(workDir, 'issuer-trust-list.json'),
      JSON.stringify({ issuers: [toTrustListEntry(vcKey, { id: vm, controller: ISSUER })] }),
    );
    writeFileSync(join(workDir, 'issuer-dsc.pem'), dsc.certificatePem);
    // ?trust= material served next to the page.
    writeFileSync(
      join(outDir, 'trust.json'),
      JSON.stringify({ issuers: [toTrustListEntry(vcKey, { id: vm, controller: ISSUER })] }),
    );
    // WHO's DID trust list (TEST excerpt), served for ?trust=: its x5c chains need Trust.load's asynchronous checks.
    writeFileSync(join(outDir, 'who.did.json'), vector('who/trustlist-test-excerpt.did.json'));
    writeFileSync(join(workDir, 'camera.y4m'), qrY4m(issued.compact));

    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
        /^(\.\.[/\\])+/,
        '',
      );
      const file = join(outDir, path.endsWith('/') ? `${path}index.html` : path);
      if (!file.startsWith(outDir) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      res.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Chromium's fake camera plays the .y4m clip; the fake UI grants the permission prompt.
    context = await launchChromium(join(workDir, 'chromium-profile'), [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${join(workDir, 'camera.y4m')}`,
    ]);
    context.on('request', (request) => {
      const url = request.url();
      requests.push(url);
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    await context.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (server?.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('builds with no Node built-in and stays small', () => {
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `verifier-web bundle: app.js ${kib(sizes.sizes['app.js']!.raw)} raw, ${kib(sizes.sizes['app.js']!.gzip)} gzip; ` +
        `page total ${kib(sizes.total.raw)} raw, ${kib(sizes.total.gzip)} gzip`,
    );
    expect(Object.keys(sizes.sizes).sort()).toEqual(['app.js', 'index.html', 'style.css', 'sw.js']);
    // A low-end phone on a slow connection: keep the one-time download well under half a megabyte.
    expect(sizes.total.gzip).toBeLessThan(400 * 1024);
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"' ]*\.(js|css|woff2?)/);
  });

  it('the build fails, naming the importer, when something imports a Node built-in', () => {
    const entry = join(workDir, 'bad.ts');
    writeFileSync(entry, "import { createHash } from 'node:crypto';\nexport const h = createHash;\n");
    let stderr = '';
    try {
      buildPage(join(workDir, 'bad-dist'), entry);
    } catch (error) {
      stderr = String((error as { stderr?: unknown }).stderr);
    }
    expect(stderr).toMatch(/Node built-in "node:crypto" imported by .*bad\.ts/);
  });

  it('loads with no trust and says so; the camera is offered', async () => {
    await page.goto(`${origin}/?now=${encodeURIComponent(dcc.TESTCTX.VALIDATIONCLOCK)}`);
    await page.waitForSelector('html[data-ready=true]');
    expect(await page.textContent('#trust-status')).toMatch(/No trust material loaded/);
    expect(await page.inputValue('#verify-now')).toBe(dcc.TESTCTX.VALIDATIONCLOCK);
    expect(await page.isEnabled('#camera-start')).toBe(true);
    // Without trust a genuine DCC still fails, on trust, and the page says why.
    const result = await upload(page, 'dcc.png', 'image/png', Buffer.from(dcc['2DCODE'], 'base64'));
    expect(result.verdict).toMatch(/INVALID/);
    expect(result.checks.find((c) => c.name === 'trust')?.ok).toBe(false);
    expect(result.why).toMatch(/no trust material is loaded/);
  });

  it('loads the operator trust files and shows keys per kind', async () => {
    const der = Buffer.from(dcc.TESTCTX.CERTIFICATE, 'base64');
    await page.fill('#trust-issuer', SHC_ISSUER);
    await page.setInputFiles('#trust-input', [
      { name: 'DE-dsc.der', mimeType: 'application/pkix-cert', buffer: der },
      {
        name: 'jwks.json',
        mimeType: 'application/json',
        buffer: Buffer.from(vector('shc/examples/issuer/.well-known/jwks.json')),
      },
      {
        name: 'issuer-trust-list.json',
        mimeType: 'application/json',
        buffer: readFileSync(join(workDir, 'issuer-trust-list.json')),
      },
      {
        name: 'issuer-dsc.pem',
        mimeType: 'application/x-pem-file',
        buffer: readFileSync(join(workDir, 'issuer-dsc.pem')),
      },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('#trust-list li').length === 4);
    const status = await page.textContent('#trust-status');
    expect(status).toMatch(/5 keys trusted/);
    expect(status).toMatch(/signer certificate: 2/);
    expect(status).toMatch(/JWKS: 2/);
    expect(status).toMatch(/trust list: 1/);
    expect(await page.textContent('#trust-error')).toBe('');
    // Something that is not trust material is refused with its code, and nothing is added.
    await page.setInputFiles('#trust-input', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    ]);
    await page.waitForFunction(() => (document.getElementById('trust-error')?.textContent ?? '').length > 0);
    expect(await page.textContent('#trust-error')).toMatch(/notes\.txt: ERR_TRUST_UNRECOGNIZED/);
    expect(await page.locator('#trust-list li').count()).toBe(4);
    // A key file with its private half is refused, so it never reaches localStorage.
    const keyWithPrivate = JSON.stringify({ publicKeyBase58: 'x', privateKeyBase58: 'secret' });
    await page.setInputFiles('#trust-input', [
      { name: 'signing-key.json', mimeType: 'application/json', buffer: Buffer.from(keyWithPrivate) },
    ]);
    await page.waitForFunction(() => /signing-key/.test(document.getElementById('trust-error')?.textContent ?? ''));
    expect(await page.textContent('#trust-error')).toMatch(/signing-key\.json: holds a private key/);
    expect(await page.evaluate(() => localStorage.getItem('divoc-verifier:trust:v1') ?? '')).not.toMatch(/secret/);
    expect(await page.locator('#trust-list li').count()).toBe(4);
  });

  it('a dgc-testdata QR image (EU DCC): VALID, the person, the vaccination, the issuer', async () => {
    expect(dcc.EXPECTEDVERIFY ?? true).toBe(true);
    await setClock(page, dcc.TESTCTX.VALIDATIONCLOCK);
    const result = await upload(page, 'DE-1.png', 'image/png', Buffer.from(dcc['2DCODE'], 'base64'));
    expect(result.verdict).toBe('✓ VALID');
    expect(result.format).toBe('dcc');
    expect(result.facts).toMatchObject({
      Format: 'EU Digital COVID Certificate',
      Issuer: 'DE',
      Name: 'Erika Mustermann',
      'Date of birth': '1964-08-12',
      Event: 'Vaccination',
      Vaccine: 'Spikevax',
      Dose: '2 of 2',
      Date: '2021-05-29',
      Country: 'DE',
    });
    expect(result.checks.every((c) => c.ok)).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'decode',
      'signature',
      'trust',
      'validity',
      'key-usage',
      'schema',
    ]);
  });

  it('a SMART Health Card QR image: VALID, the person, the vaccination, the issuer URL', async () => {
    await setClock(page, '');
    const png = renderQr(shcNumeric, { format: 'png' });
    const result = await upload(page, 'shc.png', 'image/png', png);
    expect(result.verdict).toBe('✓ VALID');
    expect(result.format).toBe('shc');
    expect(result.facts).toMatchObject({
      Format: 'SMART Health Card',
      Issuer: SHC_ISSUER,
      Name: 'John B. Anyperson',
      'Date of birth': '1951-01-20',
      Event: 'Vaccination',
      Vaccine: 'Spikevax bivalent',
      Dose: '3',
      Date: '2022-09-05',
    });
    // The example card's SVG is read too (the SDK rasterises SVG QR images).
    const fromSvg = await upload(
      page,
      'shc.svg',
      'image/svg+xml',
      Buffer.from(vector('shc/examples/example-00-g-qr-code-0.svg')),
    );
    expect(fromSvg.verdict).toBe('✓ VALID');
    expect(fromSvg.facts.Name).toBe('John B. Anyperson');
    // A WebP (which the SDK does not decode): the page falls back to the browser's own image decoder.
    const webpBase64 = await page.evaluate(async (pngBase64) => {
      const png = Uint8Array.from(atob(pngBase64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([png], { type: 'image/png' }));
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/webp', 1));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    }, Buffer.from(png).toString('base64'));
    const webp = Buffer.from(webpBase64, 'base64');
    expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const fromWebp = await upload(page, 'shc.webp', 'image/webp', webp);
    expect(fromWebp.verdict).toBe('✓ VALID');
    expect(fromWebp.facts.Name).toBe('John B. Anyperson');
  });

  it('QR codes we issued (DIVOC1: compact VC, DIVOC QR, DCC): VALID with the same person and event', async () => {
    const compact = await upload(page, 'compact.png', 'image/png', issued.compactPng);
    expect(compact.verdict).toBe('✓ VALID');
    expect(compact.format).toBe('vc-compact');
    expect(compact.facts).toMatchObject({
      Format: 'DIVOC compact QR (DIVOC1:)',
      Issuer: ISSUER,
      Name: 'राजेश कुमार',
      'Date of birth': '1990-01-15',
      Event: 'Vaccination',
      Dose: '1 of 2',
      Date: '2021-07-12',
    });
    expect(compact.facts.Vaccine).toMatch(/Covishield/);

    const divocQr = await upload(page, 'divoc-qr.png', 'image/png', issued.divocQrPng);
    expect(divocQr.verdict).toBe('✓ VALID');
    expect(divocQr.format).toBe('divoc-qr');
    expect(divocQr.facts).toMatchObject({ Issuer: ISSUER, Name: 'राजेश कुमार', Dose: '1 of 2', Date: '2021-07-12' });

    const dccIssued = await upload(page, 'dcc-issued.png', 'image/png', issued.dccPng);
    expect(dccIssued.verdict).toBe('✓ VALID');
    expect(dccIssued.format).toBe('dcc');
    expect(dccIssued.facts).toMatchObject({
      Issuer: 'IN',
      'Date of birth': '1990-01-15',
      Event: 'Vaccination',
      Dose: '1 of 2',
      Date: '2021-07-12',
      Country: 'IN',
    });
    expect(dccIssued.facts.Name).toMatch(/राजेश|Rajesh|RAJESH/);
  });

  it('tampered, unknown and untrusted input: INVALID, with the failing check and its code', async () => {
    await setClock(page, dcc.TESTCTX.VALIDATIONCLOCK);
    // Flip one base45 character in the middle of the DCC.
    const at = 200;
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const c = dcc.PREFIX[at]!;
    const tampered =
      dcc.PREFIX.slice(0, at) + alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] + dcc.PREFIX.slice(at + 1);
    const bad = await paste(page, tampered);
    expect(bad.verdict).toBe('✗ INVALID');
    expect(bad.why).toMatch(/^(Could not read|The signature does not match).+ERR_[A-Z_]+/);
    expect(bad.checks.some((c) => !c.ok && /ERR_[A-Z_]+/.test(c.text))).toBe(true);

    const unknown = await paste(page, 'hello, this is not a certificate');
    expect(unknown.verdict).toBe('✗ INVALID');
    expect(unknown.format).toBe('unknown');
    expect(unknown.facts.Format).toBe('Not recognised');
    expect(unknown.why).toMatch(/ERR_INPUT_UNRECOGNIZED/);

    // A picture with no QR code in it.
    const blank = await upload(
      page,
      'blank.png',
      'image/png',
      renderQr('x', { format: 'png', margin: 0, moduleSize: 1 }).slice(0, 40),
    );
    expect(blank.verdict).toBe('✗ INVALID');
    expect(blank.why).toMatch(/ERR_/);

    // The SHC example against the 2021 clock: not yet valid.
    const early = await paste(page, shcNumeric);
    expect(early.verdict).toBe('✗ INVALID');
    expect(early.checks.find((c) => !c.ok)?.name).toMatch(/validity|trust/);
  });

  it('pasted text: the dgc-testdata HC1 text verifies as the image did', async () => {
    await setClock(page, dcc.TESTCTX.VALIDATIONCLOCK);
    const result = await paste(page, dcc.PREFIX);
    expect(result.verdict).toBe('✓ VALID');
    expect(result.facts.Name).toBe('Erika Mustermann');
  });

  it('the camera reads a QR code (fake camera playing a QR we issued) and verifies it', async () => {
    await setClock(page, '');
    await clearResult(page);
    await page.click('#tab-camera');
    await page.click('#camera-start');
    const result = await shown(page);
    expect(result.verdict).toBe('✓ VALID');
    expect(result.format).toBe('vc-compact');
    expect(result.facts.Name).toBe('राजेश कुमार');
    expect(await page.getAttribute('#camera-status', 'data-state')).toBe('read');
    expect(await page.isHidden('#camera-video')).toBe(true);
  });

  it('with no camera API the page says the camera is not available', async () => {
    const other = await context.newPage();
    await other.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true }),
    );
    await other.goto(`${origin}/`);
    await other.waitForSelector('html[data-ready=true]');
    expect(await other.textContent('#camera-status')).toMatch(/Camera not available/);
    expect(await other.getAttribute('#camera-status', 'data-state')).toBe('unavailable');
    expect(await other.isDisabled('#camera-start')).toBe(true);
    await other.close();
  });

  it('?trust=FILE on the same origin is loaded; trust persists across reloads', async () => {
    await page.goto(`${origin}/?trust=trust.json`);
    await page.waitForSelector('html[data-ready=true]');
    expect(await page.locator('#trust-list li').count()).toBe(5);
    expect(await page.textContent('#trust-list')).toMatch(/trust\.json — trust list, 1 key, this session only/);
    await page.goto(`${origin}/`);
    await page.waitForSelector('html[data-ready=true]');
    expect(await page.locator('#trust-list li').count()).toBe(4);
  });

  it('?trust= a WHO DID trust list: a French DCC is VALID, its issuer the country the list gives', async () => {
    const fr = JSON.parse(vector('dcc/dgc-testdata/FR/2DCode/raw/DCC_Test_0001.json')) as typeof dcc;
    // Control: without the list the French signer is not trusted.
    await page.goto(`${origin}/`);
    await page.waitForSelector('html[data-ready=true]');
    await setClock(page, fr.TESTCTX.VALIDATIONCLOCK);
    expect((await paste(page, fr.PREFIX)).valid).toBe('false');
    await page.goto(`${origin}/?trust=who.did.json`);
    await page.waitForSelector('html[data-ready=true]');
    expect(await page.textContent('#trust-list')).toMatch(/who\.did\.json — .*this session only/);
    await setClock(page, fr.TESTCTX.VALIDATIONCLOCK);
    const result = await paste(page, fr.PREFIX);
    expect(result.verdict).toBe('✓ VALID');
    expect(result.facts.Issuer).toBe('FR');
    // Back to the page without ?trust= (the list was for this session only), as the next tests expect.
    await page.goto(`${origin}/`);
    await page.waitForSelector('html[data-ready=true]');
  });

  it('pasted PixelPass (MOSIP Inji) and SD-JWT VC text we issued: VALID with the issuer trusted for them', async () => {
    await page.goto(`${origin}/?trust=trust.json`);
    await page.waitForSelector('html[data-ready=true]');
    const pixelpass = await paste(page, issued.pixelpass);
    expect(pixelpass.format).toBe('pixelpass');
    expect(pixelpass.verdict).toBe('✓ VALID');
    expect(pixelpass.facts.Name).toBe('राजेश कुमार');
    // Control: the SD-JWT VC's issuer key is not in trust.json, so it is decoded and refused for trust.
    const untrusted = await paste(page, issued.sdJwt);
    expect(untrusted.format).toBe('sd-jwt-vc');
    expect(untrusted.valid).toBe('false');
    await page.goto(`${origin}/?trust=sd-jwt-issuer.json`);
    await page.waitForSelector('html[data-ready=true]');
    const sdJwt = await paste(page, issued.sdJwt);
    expect(sdJwt.format).toBe('sd-jwt-vc');
    expect(sdJwt.verdict).toBe('✓ VALID');
    expect(sdJwt.facts.Name).toBe('राजेश कुमार');
    // A disclosure changed after signing: INVALID.
    const parts = issued.sdJwt.split('~');
    parts[1] = parts[1]!.slice(0, -2) + (parts[1]!.endsWith('AA') ? 'BB' : 'AA');
    expect((await paste(page, parts.join('~'))).valid).toBe('false');
    await page.goto(`${origin}/`);
    await page.waitForSelector('html[data-ready=true]');
  });

  it('works offline after the first load (service worker, server gone)', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // Wait until the service worker controls the page (clients.claim()).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await page.reload();
    await page.waitForSelector('html[data-ready=true]');
    expect(await page.locator('#trust-list li').count()).toBe(4);
    await setClock(page, dcc.TESTCTX.VALIDATIONCLOCK);
    const result = await upload(page, 'DE-1.png', 'image/png', Buffer.from(dcc['2DCODE'], 'base64'));
    expect(result.verdict).toBe('✓ VALID');
    expect(result.facts.Name).toBe('Erika Mustermann');
    await context.setOffline(false);
  });

  it(
    'a DIVOC certificate: the issuer the trust vouches for, the unbound claim, and the fields its signature ' +
      'does not bind',
    async () => {
      // DIVOC's Ed25519 test key as a trust-list entry (public key only), known as did:india as DIVOC's proofs name it.
      const { publicKeyBase58 } = JSON.parse(vector('divoc/keys/divoc-test-ed25519.json')) as {
        publicKeyBase58: string;
      };
      const entry = JSON.stringify({ issuers: [{ id: 'did:india', publicKeyBase58 }] });
      await page.setInputFiles('#trust-input', [
        { name: 'divoc-ed25519.trust.json', mimeType: 'application/json', buffer: Buffer.from(entry) },
      ]);
      await page.waitForFunction(
        () =>
          document.querySelectorAll('#trust-list li').length === 5 ||
          (document.getElementById('trust-error')?.textContent ?? '') !== '',
      );
      const trustError = (await page.textContent('#trust-error')) ?? '';
      if (trustError !== '') throw new Error(trustError);
      await setClock(page, '2022-01-01T00:00:00Z');
      const result = await paste(page, vector('divoc/signed/ed25519-2018-divocdev-valid.json'));
      expect(
        result.checks.filter((c) => !c.ok),
        result.why,
      ).toEqual([]);
      expect(result.verdict).toBe('✓ VALID');
      expect(result.facts.Issuer).toBe('did:india');
      expect(result.facts['Claimed issuer']).toBe('https://divoc.dev/ (not bound to the signing key)');
      expect(result.why).toContain('WARN_TRUST_ISSUER_UNBOUND');
      expect(result.why).toContain('WARN_VC_AMBIGUOUS_TERMS');
      // The vaccination date could have been swapped with effectiveUntil without breaking the signature: never shown as
      // certain.
      expect(result.facts.Date).toMatch(/^2020-12-02 \(not bound by the signature/);
      // Control: the name is bound, and shown plainly.
      expect(result.facts.Name).toBe('Bhaya Mitra');
    },
  );

  it('no request left the loopback server; no page error; no CSP violation', () => {
    expect(foreign).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
