/**
 * Browser acceptance: (1) esbuild bundles every verification path for the browser (platform browser, ESM, the
 * `browser` condition) and the build FAILS on any import of a Node built-in; (2) the bundle runs in headless Chromium
 * and verifies the published vectors exactly as Node does, tampered copies included, without any network request
 * beyond the loopback server that serves it.
 *
 * The bundle is built from the packages' dist/ (what users install), so `pnpm build` must have run (`pnpm test` does).
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, didKeyFromKeyPair, generateKeyPair, verificationMethodId } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { decodeShc } from '@divoc/shc';
import { encodeCompactCredential, issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import { addCredentialStatus, allocateStatusEntry, createStatusList, publishStatusList, revoke } from '@divoc/status';
import { vaccinationRecord } from '../../packages/status/test/helpers.js';
import { runCases, type CaseData, type CaseOutcome } from './app.js';
import { launchChromium, noNodeBuiltins } from './lib.js';
import { vectorText } from '../support/vectors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** A page policy without 'unsafe-eval' (and without 'unsafe-inline'): code may only come from this origin. */
const STRICT_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'";
const text = vectorText;
const json = (path: string) => JSON.parse(text(path)) as Record<string, unknown>;

/** The packages app.ts reaches (directly or through each other). */
const BUNDLED_PACKAGES = ['keys', 'schemas', 'vc', 'dcc', 'shc', 'vdsnc', 'qr', 'status'];

let appDir: string;

/**
 * An "app" folder: node_modules/@divoc/* linked to the workspace packages, so imports resolve like an installed SDK.
 */
function makeApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'divoc-browser-app-'));
  mkdirSync(join(dir, 'node_modules', '@divoc'), { recursive: true });
  for (const name of BUNDLED_PACKAGES) {
    symlinkSync(join(root, 'packages', name), join(dir, 'node_modules', '@divoc', name));
  }
  copyFileSync(fileURLToPath(new URL('./app.ts', import.meta.url)), join(dir, 'app.ts'));
  return dir;
}

async function bundle(entry: string, minify: boolean): Promise<Uint8Array> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['browser'],
    target: 'es2022',
    minify,
    write: false,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
    // No tsconfig `paths`: resolve @divoc/* through node_modules and the packages' exports, as an app would.
    tsconfigRaw: '{}',
  });
  return result.outputFiles[0]!.contents;
}

async function caseData(): Promise<CaseData> {
  const ed = json('divoc/keys/divoc-test-ed25519.json');
  const ed25519Credential = json('divoc/signed/ed25519-2018-divocdev-valid.json');
  const dccFile = json('dcc/dgc-testdata/DE/2DCode/raw/1.json') as {
    PREFIX: string;
    '2DCODE': string;
    TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
  };
  const dccPs256 = json('dcc/dgc-testdata/CH/2DCode/raw/1.json') as typeof dccFile;
  const shcDir = 'shc/examples/';
  const seal = json('vdsnc/au-citizen-john-valid.json');

  // A Bitstring Status List issuer, made here (no published vector covers it).
  const kp = await generateKeyPair('Ed25519');
  const did = didKeyFromKeyPair(kp);
  const signer = createSigner(kp, { id: verificationMethodId(kp) });
  const revocation = createStatusList({ id: 'https://divoc.dev/status/revocation/1', statusPurpose: 'revocation' });
  const entry = allocateStatusEntry(revocation);
  const unsigned = buildCredential('vaccination', vaccinationRecord, { issuer: did } as never) as UnsignedCredential;
  const credential: SignedCredential = await issueCredential(addCredentialStatus(unsigned, [entry]), { signer });
  const now = Date.now();
  const window = {
    validFrom: new Date(now - 86_400_000).toISOString(),
    validUntil: new Date(now + 365 * 86_400_000).toISOString(),
  };
  const list = await publishStatusList(revocation, { signer, issuer: did, ...window });
  revoke(revocation, Number(entry.statusListIndex));
  const revokedList = await publishStatusList(revocation, { signer, issuer: did, ...window });

  return {
    divoc: {
      rsaPublicPem: text('divoc/keys/divoc-test-rsa.public.pem'),
      ed25519PublicBase58: String(ed.publicKeyBase58),
      rsa: json('divoc/signed/rsa2018-divocdev-valid.json'),
      ed25519: ed25519Credential,
      tampered: json('divoc/signed/rsa2018-tampered-invalid.json'),
      qrText: text('divoc/qr/rsa2018-divocdev-valid.qr-text.txt'),
      compact: encodeCompactCredential(ed25519Credential as unknown as SignedCredential),
    },
    w3c: { signed: json('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json') },
    dcc: {
      hc1: dccFile.PREFIX,
      certificate: dccFile.TESTCTX.CERTIFICATE,
      clock: dccFile.TESTCTX.VALIDATIONCLOCK,
      pngBase64: dccFile['2DCODE'],
      // Switzerland signs with PS256 (RSASSA-PSS).
      ps256: {
        hc1: dccPs256.PREFIX,
        certificate: dccPs256.TESTCTX.CERTIFICATE,
        clock: dccPs256.TESTCTX.VALIDATIONCLOCK,
      },
    },
    shc: {
      jwks: json(`${shcDir}issuer/.well-known/jwks.json`),
      issuer: 'https://spec.smarthealth.cards/examples/issuer',
      numeric: text(`${shcDir}example-00-f-qr-code-numeric-value-0.txt`).trim(),
      file: text(`${shcDir}example-00-e-file.smart-health-card`),
      chunks: [0, 1, 2].map((i) => text(`${shcDir}example-02-f-qr-code-numeric-value-${i}.txt`).trim()),
      crl: json(`${shcDir}issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json`),
      // The example cards' own nbf, plus a day.
      clock: new Date(
        (decodeShc(text(`${shcDir}example-00-f-qr-code-numeric-value-0.txt`).trim()).payload.nbf + 86_400) * 1000,
      ).toISOString(),
    },
    vdsnc: {
      valid: JSON.stringify(seal),
      tampered: text('vdsnc/au-citizen-john-tampered-invalid.json'),
      cscaBase64: text('vdsnc/au-csca-root.der.b64').trim(),
      clock: '2022-01-15T00:00:00Z',
    },
    status: {
      issuerDid: did,
      credential,
      certificateId: vaccinationRecord.certificateId,
      lists: [list],
      revokedLists: [revokedList],
      clock: new Date(now + 60_000).toISOString(),
    },
  };
}

describe('browser build of the verification paths', () => {
  let code: Uint8Array;
  let server: Server;
  let origin: string;
  let context: BrowserContext | undefined;
  let userDataDir: string;
  let data: CaseData;
  let nodeOutcomes: CaseOutcome[];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    const missing = BUNDLED_PACKAGES.filter((name) => !existsSync(join(root, 'packages', name, 'dist', 'index.js')));
    if (missing.length > 0) throw new Error(`dist/ missing for ${missing.join(', ')}: run pnpm build first`);
    appDir = makeApp();
    userDataDir = mkdtempSync(join(tmpdir(), 'divoc-chromium-'));
    code = await bundle(join(appDir, 'app.ts'), true);
    data = await caseData();
    nodeOutcomes = await runCases(data);

    server = createServer((req, res) => {
      if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(code);
      } else if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><meta charset="utf-8"><title>divoc verify</title>');
      } else if (req.url === '/probe.js') {
        // Control for the strict page: a script of this origin that tries `new Function`.
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(
          'export const probe = (() => { try { new Function("return 1")(); return "ran"; } ' +
            'catch (e) { return e.name; } })();',
        );
      } else if (req.url === '/strict') {
        // No 'unsafe-eval': the precompiled JSON Schema validators need no `new Function`.
        res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': STRICT_CSP });
        res.end('<!doctype html><meta charset="utf-8"><title>divoc verify (strict CSP)</title>');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    context = await launchChromium(userDataDir);
    await context.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      foreignRequests.push(url);
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const dir of [appDir, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('bundles with no Node built-in; reports the size', () => {
    const gzip = gzipSync(code).length;
    console.log(
      `browser bundle of every verify path: ${(code.length / 1024).toFixed(1)} KiB ` +
        `minified, ${(gzip / 1024).toFixed(1)} KiB gzip`,
    );
    expect(code.length).toBeGreaterThan(10_000);
    // Keep it loadable on low-end phones.
    expect(gzip).toBeLessThan(400 * 1024);
  });

  it('the guard really fails a build that imports a Node built-in', async () => {
    const entry = join(appDir, 'bad.ts');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(entry, "import { createHash } from 'crypto';\nexport const h = createHash;\n");
    await expect(bundle(entry, false)).rejects.toThrow(/Node built-in "crypto"/);
  });

  it('Node verifies the vectors as expected (valid ones pass, tampered ones fail)', () => {
    console.log(
      nodeOutcomes.map((o) => `${o.valid ? 'VALID  ' : 'invalid'} ${o.name}: ${o.checks.join(' ')}`).join('\n'),
    );
    const byName = new Map(nodeOutcomes.map((o) => [o.name, o]));
    for (const [name, valid] of [
      ['divoc RsaSignature2018', true],
      ['divoc Ed25519Signature2018', true],
      ['divoc RsaSignature2018 tampered', false],
      ['divoc compact DIVOC1:', true],
      ['divoc QR text', true],
      ['divoc QR text tampered', false],
      ['w3c eddsa-rdfc-2022', true],
      ['w3c eddsa-rdfc-2022 tampered', false],
      ['dcc HC1', true],
      ['dcc PNG → HC1', true],
      ['dcc PNG text equals HC1', true],
      ['dcc HC1 PS256 (RSA-PSS)', true],
      ['dcc HC1 tampered', false],
      ['shc numeric QR', true],
      ['shc .smart-health-card file', true],
      ['shc 3 QR chunks', true],
      ['shc numeric QR tampered', false],
      ['shc JWS signature tampered', false],
      ['vdsnc AU seal', true],
      ['vdsnc AU seal tampered', false],
      ['status list: not revoked', true],
      ['status list: revoked', false],
      ['status list: checkStatus', true],
      ['shc revocation (crl)', true],
      ['divoc revocation list: revoked', false],
      ['divoc revocation list: not listed', true],
    ] as const) {
      expect(byName.get(name), name).toBeDefined();
      expect({ name, valid: byName.get(name)!.valid, checks: byName.get(name)!.checks }).toMatchObject({ name, valid });
    }
  });

  it('headless Chromium gives exactly the results Node gives, offline', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.evaluate(
      (caseData) => {
        (globalThis as { caseData?: unknown }).caseData = caseData;
      },
      data as unknown as Record<string, unknown>,
    );
    // A string expression, so the test runner's transform leaves the page's dynamic import alone.
    const browserOutcomes = await page.evaluate("import('/app.js').then((app) => app.runCases(globalThis.caseData))");
    expect(errors).toEqual([]);
    expect(browserOutcomes).toEqual(nodeOutcomes);
    // Node-only features fail with a typed error in the browser build, not with a missing module.
    const keygen = await page.evaluate(
      "import('/app.js').then((app) => app.generateKeyPair('Ed25519').then(() => 'generated', (e) => e.code))",
    );
    expect(keygen).toBe('ERR_KEY_UNSUPPORTED');
    expect(foreignRequests).toEqual([]);
  }, 60_000);
  it('verifies every format under a CSP without unsafe-eval (no eval, no new Function)', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/strict`);
    // Any eval / new Function would be refused and reported as a violation.
    await page.evaluate(
      "globalThis.violations = []; document.addEventListener('securitypolicyviolation', (e) => " +
        'globalThis.violations.push(e.violatedDirective + " " + e.blockedURI))',
    );
    await page.evaluate(
      (caseData) => {
        (globalThis as { caseData?: unknown }).caseData = caseData;
      },
      data as unknown as Record<string, unknown>,
    );
    const outcomes = await page.evaluate("import('/app.js').then((app) => app.runCases(globalThis.caseData))");
    expect(errors).toEqual([]);
    expect(outcomes).toEqual(nodeOutcomes);
    expect(await page.evaluate('globalThis.violations')).toEqual([]);
    // Control: the policy is in force: a script of the page that calls `new Function` is refused, and reported.
    expect(await page.evaluate("import('/probe.js').then((m) => m.probe)")).toBe('EvalError');
    await expect.poll(() => page.evaluate('globalThis.violations')).toEqual(['script-src eval']);
  }, 60_000);

  it('without crypto.subtle every format reports ERR_PLATFORM_UNSUPPORTED, never a bad signature', async () => {
    const page = await context!.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate(
      (caseData) => {
        (globalThis as { caseData?: unknown }).caseData = caseData;
      },
      data as unknown as Record<string, unknown>,
    );
    const run = "import('/app.js').then((app) => app.verifyEachFormat(globalThis.caseData))";
    // Control: with WebCrypto every one verifies.
    const withSubtle = (await page.evaluate(run)) as string[];
    expect(withSubtle.length).toBeGreaterThan(5);
    for (const line of withSubtle) expect(line).toMatch(/: valid$/);
    // An insecure context, or a runtime without WebCrypto: crypto.subtle is undefined.
    await page.evaluate('Object.defineProperty(Crypto.prototype, "subtle", { get: () => undefined })');
    const without = (await page.evaluate(run)) as string[];
    for (const line of without) {
      expect(line).toMatch(/ERR_PLATFORM_UNSUPPORTED/);
      expect(line).not.toMatch(/SIGNATURE|ERR_.*_INVALID/);
    }
  }, 60_000);
});
