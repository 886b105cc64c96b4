// did-context ships no types; `js/context.js` is its CommonJS module whose export is the DID v1 context document.
declare module 'did-context/js/context.js' {
  const context: { '@context': Record<string, unknown> };
  export default context;
}
