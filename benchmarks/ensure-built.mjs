// `pnpm bench` measures the built packages. Rebuilding every time would cost more than the benchmarks themselves,
// so build only when some package's sources are newer than its dist/ (or dist/ is missing).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stalePackages() {
  const stale = [];
  for (const name of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', name);
    const built = join(dir, 'dist', 'index.js');
    if (!existsSync(join(dir, 'src'))) continue;
    if (!existsSync(built)) {
      stale.push(name);
      continue;
    }
    const sources = Math.max(newestMtime(join(dir, 'src')), statSync(join(dir, 'package.json')).mtimeMs);
    if (sources > statSync(built).mtimeMs) stale.push(name);
  }
  return stale;
}

const stale = stalePackages();
if (stale.length > 0) {
  process.stderr.write(`building (sources newer than dist/: ${stale.join(', ')})\n`);
  const result = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
