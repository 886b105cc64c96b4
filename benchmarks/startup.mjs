// Start-up: wall time of cold processes (a fresh `node` each run, median of 10), for what a user waits on first:
// importing the verifier, `divoc --help`, and `divoc verify` of one EU DCC and of one W3C VC, next to `node -e 0`
// (the floor: Node itself) and `import('@digitalbazaar/vc')` (the library a user would otherwise import).
// Also the CPU time (user + system) of each, which a busy machine inflates far less than wall time.
// Run alone: node benchmarks/startup.mjs [--runs N]; `pnpm bench` runs it too (see run.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (pkg, file = 'index.js') => pathToFileURL(join(root, 'packages', pkg, 'dist', file)).href;
const bin = join(root, 'packages/cli/dist/bin.js');

/** Goals of issue 14, wall milliseconds on an idle machine. */
export const STARTUP_GOALS = {
  'import @divoc/verifier': 150,
  'divoc --help': 250,
  'divoc verify (DCC)': 350,
  'divoc verify (W3C VC)': 350,
};

/** One DCC and one W3C VC, with the trust each needs, written to a temporary folder (not timed). */
async function fixtures(dir) {
  const keys = await import(dist('keys'));
  const { buildCredential } = await import(dist('schemas'));
  const { issueCredential } = await import(dist('vc'));
  const { createDevelopmentCsca, createDocumentSignerCertificate, issueDcc } = await import(dist('dcc'));
  // The shape of test/support/fixtures.ts's shortVaccinationRecord (a .ts file Node cannot import here).
  const record = {
    refId: '12346',
    name: 'Bhaya Mitra',
    dob: '1994-09-01',
    gender: 'Male',
    nationality: 'Indian',
    identity: 'did:in.gov.uidai.aadhaar:2342343334',
    country: 'IN',
    vaccine: 'Covishield',
    manufacturer: 'Serum Institute of India',
    batch: '4121Z005',
    vaccinationDate: '2021-05-03T10:15:00.000Z',
    dose: '1',
    totalDoses: '2',
    facilityName: 'ABC Medical Center',
    facilityCountry: 'IN',
    vaccinatorName: 'Sooraj Singh',
    certificateId: '244768056',
  };
  const key = await keys.generateKeyPair('Ed25519');
  const signer = keys.createSigner(key, { id: keys.verificationMethodId(key) });
  const issuer = keys.didKeyFromKeyPair(key);
  const unsigned = buildCredential('vaccination-v2', record, { issuer, issuanceDate: '2021-05-03T12:00:00Z' });
  const credential = await issueCredential(unsigned, { signer, created: '2021-05-03T12:00:00Z' });
  const csca = await createDevelopmentCsca({ country: 'IN', commonName: 'Start-up benchmark CSCA' });
  const dsc = await createDocumentSignerCertificate({ csca, types: ['v'], validFrom: new Date('2021-01-01') });
  const dcc = await issueDcc(credential, {
    signer: dsc.signer,
    certificate: dsc.certificatePem,
    iat: new Date('2021-05-04'),
  });
  const files = {
    vc: join(dir, 'vc.json'),
    vcTrust: join(dir, 'vc-trust.json'),
    dcc: join(dir, 'dcc.txt'),
    dccTrust: join(dir, 'dsc.pem'),
  };
  writeFileSync(files.vc, JSON.stringify(credential));
  writeFileSync(files.vcTrust, JSON.stringify(keys.toTrustListEntry(key, { id: signer.id, controller: issuer })));
  writeFileSync(files.dcc, dcc.hc1);
  writeFileSync(files.dccTrust, dsc.certificatePem);
  return files;
}

/** Wall and CPU milliseconds of one cold `node` process; throws if it fails. */
function once(args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return wall;
}

// Preloaded into a child: prints its CPU time at exit, on stderr, after a NUL so it cannot be mistaken for output.
const CPU_REPORTER =
  'process.on("exit", () => { const u = process.resourceUsage(); ' +
  'process.stderr.write("\\u0000cpu=" + (u.userCPUTime + u.systemCPUTime) / 1000 + "\\n"); });';

/** CPU time (user + system) of one child, from `process.resourceUsage()` printed by a wrapper at exit. */
function cpuOnce(args, cwd) {
  const r = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(CPU_REPORTER)}`, ...args],
    { cwd, encoding: 'utf8' },
  );
  const m = /\u0000cpu=([\d.]+)/.exec(r.stderr);
  return m ? Number(m[1]) : NaN;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** [{ name, wallMs, cpuMs, goal? }] per case: `runs` cold processes each, interleaved (so load drifts hit all). */
export async function startupSuite({ runs = 10 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'divoc-startup-'));
  try {
    const f = await fixtures(dir);
    const now = ['--now', '2021-07-01T00:00:00Z'];
    const cases = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: "import('@digitalbazaar/vc')", args: ['--input-type=module', '-e', "await import('@digitalbazaar/vc')"] },
      {
        name: 'import @divoc/verifier',
        args: ['--input-type=module', '-e', `await import(${JSON.stringify(dist('verifier'))})`],
      },
      { name: 'divoc --help', args: [bin, '--help'] },
      { name: 'divoc verify (DCC)', args: [bin, 'verify', '--trust', f.dccTrust, ...now, f.dcc] },
      { name: 'divoc verify (W3C VC)', args: [bin, 'verify', '--trust', f.vcTrust, ...now, f.vc] },
    ];
    for (const c of cases) once(c.args, root); // warm the disk cache once; every timed run is still a new process
    const walls = cases.map(() => []);
    const cpus = cases.map(() => []);
    for (let i = 0; i < runs; i++) {
      cases.forEach((c, j) => {
        walls[j].push(once(c.args, root));
        cpus[j].push(cpuOnce(c.args, root));
      });
    }
    return cases.map((c, j) => ({
      name: c.name,
      wallMs: median(walls[j]),
      cpuMs: median(cpus[j]),
      ...(STARTUP_GOALS[c.name] !== undefined ? { goal: STARTUP_GOALS[c.name] } : {}),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatStartupTable(rows) {
  const lines = [['case', 'wall ms (median)', 'CPU ms (median)', 'goal (wall)'].join(' | ')];
  lines.push('--- | ---: | ---: | ---');
  for (const r of rows) {
    const goal = r.goal === undefined ? '' : `≤ ${r.goal} ${r.wallMs <= r.goal ? 'met' : 'NOT met'}`;
    lines.push([r.name, r.wallMs.toFixed(0), r.cpuMs.toFixed(0), goal].join(' | '));
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : 10;
  console.log(`Start-up, cold processes, median of ${runs} (Node ${process.version})\n`);
  console.log(formatStartupTable(await startupSuite({ runs })));
}
