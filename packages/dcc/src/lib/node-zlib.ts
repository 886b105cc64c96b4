/**
 * node:zlib when running on Node (or Deno/Bun), without an `import` of it: `process.getBuiltinModule` (Node ≥ 20.16)
 * hands the built-in over at run time, so this package's bundle stays free of Node built-ins and browsers take the
 * fflate path (lib/zlib.ts). On an older Node it is undefined too, which is only slower.
 */
type NodeZlib = typeof import('node:zlib');

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

export const nodeZlib: NodeZlib | undefined = (() => {
  try {
    const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
    const zlib = proc?.getBuiltinModule?.('node:zlib') as NodeZlib | undefined;
    return typeof zlib?.deflateSync === 'function' ? zlib : undefined;
  } catch {
    return undefined;
  }
})();
