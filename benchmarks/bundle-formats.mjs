// What a browser downloads to verify one credential of each format with `verify` + `Trust` from @divoc/verifier:
// the text bundle (esbuild: browser, ESM, minified, code splitting) is served on loopback, headless Chromium loads
// it in a fresh context per format, verifies one published vector of that format (which must come out VALID, so
// the format's lazily loaded code did run), and every JavaScript file it fetched is counted, gzipped. This is the
// number issue 14's "text verification of every format ≤ 150 KiB gzipped" (and ≤ 220 with image reading) is about;
// bundle-size.mjs gives the size of the first download only. Needs Chromium (/usr/bin/chromium) and `pnpm build`.
// Run alone: node benchmarks/bundle-formats.mjs [--json].
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { browserBundleOptions } from './bundle-size.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vector = (path) => readFileSync(join(root, 'test/vectors', path), 'utf8');
const CHROMIUM = '/usr/bin/chromium';

/** Goals of issue 14, KiB gzipped: each format's text verification, and verification of a QR image. */
export const FORMAT_DOWNLOAD_GOAL = 150;
export const FORMAT_IMAGE_DOWNLOAD_GOAL = 220;

/** One published vector per format, with the trust material that makes it VALID and the time to judge it at. */
export async function formatCases() {
  const { encodeCompactCredential } = await import(join(root, 'packages/vc/dist/index.js'));
  const { encodePixelPass } = await import(join(root, 'packages/qr/dist/index.js'));
  const dccDist = await import(join(root, 'packages/dcc/dist/index.js'));
  const dcc = JSON.parse(vector('dcc/dgc-testdata/DE/2DCode/raw/1.json'));
  // DIVOC's RSA test key (its Ed25519 key file carries the private key, which the browser build does not import).
  const credential = vector('divoc/signed/rsa2018-divocdev-valid.json');
  const divocNow = '2022-01-01T00:00:00Z';
  const divocKey = [vector('divoc/keys/divoc-test-rsa.public.pem')];
  return [
    { format: 'w3c-vc', input: credential, trust: divocKey, now: divocNow },
    {
      format: 'divoc-qr',
      input: vector('divoc/qr/rsa2018-divocdev-valid.qr-text.txt'),
      trust: divocKey,
      now: divocNow,
    },
    {
      format: 'vc-compact',
      input: encodeCompactCredential(JSON.parse(credential)),
      trust: divocKey,
      now: divocNow,
    },
    {
      // The same DIVOC credential as MOSIP Inji's PixelPass QR data.
      format: 'pixelpass',
      input: encodePixelPass(JSON.parse(credential)),
      trust: divocKey,
      now: divocNow,
    },
    {
      format: 'dcc',
      input: dcc.PREFIX,
      trust: [dcc.TESTCTX.CERTIFICATE],
      now: new Date(dcc.TESTCTX.VALIDATIONCLOCK).toISOString(),
    },
    await whoDvcCase(dccDist),
    await sdJwtVcCase(),
    {
      format: 'shc',
      input: vector('shc/examples/example-00-d-jws.txt').trim(),
      trust: [vector('shc/examples/issuer/.well-known/jwks.json')],
      trustIssuer: 'https://spec.smarthealth.cards/examples/issuer',
      now: '2025-01-01T00:00:00Z',
    },
    {
      // Scanned from a picture: verify() loads the QR image reader too (issue 14: ≤ 220 KiB with image reading).
      format: 'divoc-qr',
      label: 'divoc-qr (PNG image)',
      inputBase64: readFileSync(join(root, 'test/vectors/divoc/qr/rsa2018-divocdev-valid.qr.png')).toString('base64'),
      trust: divocKey,
      now: divocNow,
      goal: FORMAT_IMAGE_DOWNLOAD_GOAL,
    },
    {
      format: 'vdsnc',
      input: vector('vdsnc/au-citizen-john-valid.json'),
      trust: [vector('vdsnc/au-csca-root.der.b64')],
      now: '2022-01-15T00:00:00Z',
    },
  ];
}

/**
 * A WHO Digital Vaccination Certificate: the real one's payload (test/vectors/who/dvc) with a validity period around
 * now, signed by a development signer (the real signing key is not published), trusted by its certificate.
 */
async function whoDvcCase({ createDevelopmentCsca, createDevelopmentSigner, encodeDvc }) {
  const unpacked = JSON.parse(vector('who/dvc/DVCTestQRUnpacked.json'));
  const payload = unpacked.contents['-260']['-6'];
  const now = new Date();
  const day = (offset) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  // Certificates valid from a minute ago: X.509 times have whole seconds, and `now` must fall inside them.
  const validFrom = new Date(now.getTime() - 60_000);
  const csca = await createDevelopmentCsca({ country: 'CL', validFrom });
  const signer = await createDevelopmentSigner({ csca, validFrom });
  const dvc = await encodeDvc(
    { ...payload, v: { ...payload.v, vls: day(-1), vle: day(365) } },
    { signer: signer.signer, certificate: signer.certificate, iat: new Date(now.getTime() - 60_000) },
  );
  return { format: 'dvc', input: dvc.hc1, trust: [signer.certificatePem], now: now.toISOString() };
}

/** An SD-JWT VC of a sample record, issued now by a fresh key whose JWT VC Issuer Metadata is the trust. */
async function sdJwtVcCase() {
  const { createSigner, exportPublicJwk, generateKeyPair, jwkThumbprint } = await import(
    join(root, 'packages/keys/dist/index.js')
  );
  const { buildCredential } = await import(join(root, 'packages/schemas/dist/index.js'));
  const { issueSdJwtVc } = await import(join(root, 'packages/sd-jwt/dist/index.js'));
  const issuer = 'https://issuer.example';
  const key = await generateKeyPair('P-256');
  const kid = jwkThumbprint(key);
  const credential = buildCredential(
    'vaccination-v2',
    {
      name: 'Bhaya Mitra',
      dob: '1994-09-01',
      vaccine: 'Covishield',
      batch: '4121Z005',
      dose: 1,
      totalDoses: 2,
      vaccinationDate: '2021-05-03',
      facilityName: 'ABC Medical Center',
      facilityCountry: 'IN',
      refId: '12346',
    },
    { issuer },
  );
  const input = await issueSdJwtVc(credential, { signer: createSigner(key, { id: kid }), issuer, kid });
  const metadata = { issuer, jwks: { keys: [{ ...exportPublicJwk(key), kid }] } };
  return { format: 'sd-jwt-vc', input, trust: [JSON.stringify(metadata)], now: new Date().toISOString() };
}

async function buildBundle(outdir) {
  const entry = "export { verify, Trust } from '@divoc/verifier';\n";
  await esbuild.build(browserBundleOptions(entry, 'verifier.js', { entryNames: 'verifier', outdir }));
}

/** Serves `dir` on 127.0.0.1 (an empty page at `/`, JavaScript files as they are). */
async function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>verify</title>');
      return;
    }
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * What the page runs, as text: a test runner that transforms this module (vitest) would otherwise rewrite its
 * `import()` into a helper the page does not have.
 */
const PAGE_VERIFY = `async ({ c, url, withTrust }) => {
  const { verify, Trust } = await import(url);
  const trust = new Trust();
  const options = c.trustIssuer ? { issuer: c.trustIssuer } : undefined;
  if (withTrust) for (const material of c.trust) trust.add(material, options);
  const input = c.inputBase64 ? Uint8Array.from(atob(c.inputBase64), (ch) => ch.charCodeAt(0)) : c.input;
  const r = await verify(input, { trust, now: new Date(c.now) });
  return { format: r.format, valid: r.valid, checks: r.checks.map((k) => k.name + ':' + (k.ok ? 'ok' : k.code)) };
}`;

/**
 * Verifies each case in headless Chromium, each in a fresh browser context (nothing cached from the one before), with
 * `verify` + `Trust` from the text bundle: with the case's trust material, or with none when `withTrust` is false.
 * Returns each result's format, validity and checks, and the bundle's JavaScript files the page fetched.
 */
export async function verifyInChromium(cases, { withTrust = true } = {}) {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'divoc-bundle-formats-'));
  const server = await serve(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await buildBundle(dir);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const results = [];
    for (const c of cases) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const fetched = new Set();
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.origin === origin && url.pathname.endsWith('.js')) fetched.add(url.pathname);
      });
      await page.goto(`${origin}/`);
      const result = await page.evaluate(
        `(${PAGE_VERIFY})(${JSON.stringify({ c, url: `${origin}/verifier.js`, withTrust })})`,
      );
      await context.close();
      const files = [...fetched].sort().map((path) => ({ path, bytes: readFileSync(join(dir, path)) }));
      results.push({ case: c, ...result, files });
    }
    return results;
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function formatDownloadSuite() {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const rows = [];
  for (const r of await verifyInChromium(await formatCases())) {
    // Only a VALID result proves the format's lazily loaded code ran (and was counted).
    if (r.format !== r.case.format || !r.valid) {
      throw new Error(`${r.case.format}: expected a VALID ${r.case.format}, got ${JSON.stringify(r.checks)}`);
    }
    let minified = 0;
    let gzip = 0;
    for (const { bytes } of r.files) {
      minified += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    rows.push({
      format: r.case.label ?? r.case.format,
      files: r.files.length,
      minified,
      gzip,
      goal: r.case.goal ?? FORMAT_DOWNLOAD_GOAL,
    });
  }
  return { rows };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

export function formatDownloadTable(suite) {
  if (suite.skipped) return `(not measured: ${suite.skipped})`;
  const lines = ['format | JS files fetched | minified | gzip | goal (gzip)', '--- | ---: | ---: | ---: | ---'];
  for (const r of suite.rows) {
    const met = r.gzip / 1024 <= r.goal ? 'met' : 'NOT met';
    lines.push([r.format, r.files, kib(r.minified), kib(r.gzip), `≤ ${r.goal} KiB ${met}`].join(' | '));
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const suite = await formatDownloadSuite();
  if (process.argv.includes('--json')) console.log(JSON.stringify(suite));
  else
    console.log(
      `Verifying one credential of each format in Chromium: JavaScript fetched\n\n${formatDownloadTable(suite)}`,
    );
}
