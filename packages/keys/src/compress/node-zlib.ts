/**
 * node:zlib on Node (≥ 20.16), reached through `process.getBuiltinModule` rather than an import, so browser bundles
 * of this package stay free of Node built-ins and take the fflate path. Undefined elsewhere (only slower).
 */
type NodeZlib = typeof import('node:zlib');

type Process = { getBuiltinModule?: (id: string) => unknown };
// Which runtime this is, decided at import (a module loaded where there is no getBuiltinModule stays portable);
// zlib itself is looked up on first use.
const proc = (globalThis as { process?: Process }).process;
const getBuiltinModule = proc?.getBuiltinModule;
let found: { zlib: NodeZlib | undefined } | undefined;

/** Looked up on first use, not at import: importing the package should not load zlib (issue 14, start-up time). */
export function nodeZlib(): NodeZlib | undefined {
  found ??= { zlib: lookUp() };
  return found.zlib;
}

function lookUp(): NodeZlib | undefined {
  try {
    const zlib = getBuiltinModule?.call(proc, 'node:zlib') as NodeZlib | undefined;
    return typeof zlib?.deflateRawSync === 'function' ? zlib : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The smallest window that still reaches back over the whole dictionary and input (zlib's 262-byte lookahead
 * included): the per-call state zlib allocates and clears shrinks from ~256 KiB to a few KiB, and no match is lost.
 */
export function windowBitsFor(length: number): number {
  let bits = 9;
  while (bits < 15 && 1 << bits < length + 262) bits++;
  return bits;
}
