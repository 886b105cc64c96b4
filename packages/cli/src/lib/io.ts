import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';

/** Anything with `write(string)`: `process.stdout`, or a buffer in tests. */
export interface TextSink {
  /** Writes one piece of text; the return value is ignored. */
  write(chunk: string): unknown;
}

/** The world a CLI run sees. Tests pass their own; `bin.ts` passes the process's. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: Readable;
  /** Directory relative paths are resolved against. */
  cwd: string;
  env: Record<string, string | undefined>;
}

export function defaultIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  };
}

export function resolvePath(io: Pick<CliIo, 'cwd'>, path: string): string {
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

/** Whether output can use colour: never when NO_COLOR is set or the sink is not a TTY. */
export function useColour(io: CliIo, sink: TextSink): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '' && io.env.FORCE_COLOR !== '0') return true;
  return (sink as { isTTY?: boolean }).isTTY === true;
}
