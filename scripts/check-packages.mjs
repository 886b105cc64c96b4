// `pnpm check:packages`: lint what every publishable package would publish, from its packed tarball.
//   publint (strict: warnings fail too, suggestions are printed): exports, files, fields a registry user relies on;
//   attw (@arethetypeswrong/cli, profile node16: node16 CJS, node16 ESM and bundler resolution): every entry point's
//   types resolve for `import` and `require()` and describe the module format actually served.
// Any problem fails the run. Needs built dist/ (pnpm build). Packages are checked in parallel.
//
//   node scripts/check-packages.mjs [name ...]
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const attwBin = join(root, 'node_modules', '.bin', 'attw');
const started = Date.now();

// Arguments: package names (default: all of packages/*), or `--dir <path>` for a package directory elsewhere (tests).
const args = process.argv.slice(2);
const dirs = args.flatMap((arg, i) => (args[i - 1] === '--dir' ? [arg] : []));
const only = args.filter((arg, i) => arg !== '--dir' && args[i - 1] !== '--dir');
const packages = (
  dirs.length > 0
    ? dirs.map((dir) => ({ name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir }))
    : readdirSync(join(root, 'packages'))
        .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
        .filter((name) => only.length === 0 || only.includes(name))
        .map((name) => ({ name: `@divoc/${name}`, dir: join(root, 'packages', name) }))
).filter(({ dir }) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);

const work = mkdtempSync(join(tmpdir(), 'divoc-check-packages-'));

/** attw's JSON problems, minus node10 (the node16 profile does not target it; there is no `main` for subpaths). */
function attwProblems(stdout) {
  const { analysis, problems } = JSON.parse(stdout);
  if (!analysis?.entrypoints) throw new Error(`attw gave no analysis: ${stdout.slice(0, 300)}`);
  const list = Array.isArray(problems) ? problems : Object.values(problems ?? {}).flat();
  return list.filter((p) => p.resolutionKind !== 'node10');
}

async function check({ name, dir }) {
  const out = join(work, name.replace('/', '__'));
  // pnpm pack: the real published content, workspace:* ranges rewritten.
  const { stdout: packed } = await run('pnpm', ['pack', '--pack-destination', out], { cwd: dir });
  const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')) ?? packed.trim());
  const problems = [];

  const bytes = readFileSync(tarball);
  const lint = await publint({
    pkgDir: 'package', // the tarball's own root
    strict: true,
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
  });
  for (const message of lint.messages) {
    const text = `publint ${message.type}: ${formatMessage(message, lint.pkg) ?? message.code}`;
    if (message.type === 'suggestion') console.log(`  ${name}: ${text}`);
    else problems.push(text);
  }

  // attw's JSON goes to a file: through a pipe, its process.exit() can cut the output at 64 KiB.
  const report = join(out, 'attw.json');
  const fd = openSync(report, 'w');
  const code = await new Promise((resolve, reject) => {
    const child = spawn(attwBin, [tarball, '--format', 'json', '--profile', 'node16'], {
      stdio: ['ignore', fd, 'inherit'],
    });
    child.on('error', reject).on('close', resolve);
  }).finally(() => closeSync(fd));
  const stdout = readFileSync(report, 'utf8');
  if (code !== 0 && attwProblems(stdout).length === 0) problems.push(`attw exited with ${code}`);
  for (const p of attwProblems(stdout))
    problems.push(
      `attw ${p.kind}: ${p.entrypoint ?? p.typesFileName ?? ''} (${p.resolutionKind ?? 'all resolutions'})`,
    );
  return { name, problems };
}

/** Run `task` over `items`, at most `limit` at a time. */
async function pool(items, limit, task) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      results.push(await task(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

try {
  const results = await pool(packages, Math.max(2, availableParallelism()), check);
  const failed = results.filter((r) => r.problems.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, problems } of failed) for (const p of problems) console.error(`${name}: ${p}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `check:packages: ${results.length} packages, publint + attw (node16 CJS/ESM, bundler): ` +
      `${failed.length === 0 ? 'no problems' : `${failed.length} with problems`} in ${seconds}s`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
