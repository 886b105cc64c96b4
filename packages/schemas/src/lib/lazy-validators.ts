// What `loadCompileSchema` imports dynamically. From the sources this is the generated table itself; the package build
// (tsup.config.mjs: lazyValidatorCopy) gives this module its own copy of the generated validators, so the dynamic
// chunk does not share them with the statically loaded code.
export { credentialValidators } from '../generated/index.js';
