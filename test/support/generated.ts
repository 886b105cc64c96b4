/** Staleness checks of generated code: the generator scripts of @divoc/schemas and @divoc/dcc take `--check`. */
import { execFileSync } from 'node:child_process';

/** Exit status of `node <script> --check --dir <dir>` run in `cwd`: 0 when `dir` holds what the script generates. */
export function generatorCheckStatus(script: string, dir: string, cwd: string): number {
  try {
    execFileSync(process.execPath, [script, '--check', '--dir', dir], { cwd, stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}
