// Builds the optional PKCS#11 addon (pkcs11js) when it is missing. It compiles only against the Node headers npm is
// configured with (`npm config get nodedir`; nothing is downloaded here), and an install run without that setting
// (the demo command on a fresh machine, say) leaves it unbuilt; a later `pnpm install` does not retry. `pnpm test`
// runs this first, so the README's two commands pass in either order.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const fromKeys = createRequire(new URL('../packages/keys/package.json', import.meta.url));

function loads() {
  try {
    fromKeys('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

if (!loads()) {
  const nodedir =
    process.env.npm_config_nodedir || execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).trim();
  console.log(`pkcs11js is not built; building it against ${nodedir || 'the default Node headers'}`);
  const env = { ...process.env, ...(nodedir && nodedir !== 'undefined' ? { npm_config_nodedir: nodedir } : {}) };
  execFileSync('pnpm', ['rebuild', 'pkcs11js'], { stdio: 'inherit', env });
  if (!loads()) {
    console.error('pkcs11js still does not load: the PKCS#11 (HSM) tests will fail; see docs/hsm.md');
    process.exit(1);
  }
}
