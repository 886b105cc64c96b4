// Stands in for jsonld/lib/platform.js in the copy of jsonld.js bundled into @divoc/vc. The original installs an
// HTTP(S) document loader as jsonld's default (through @digitalbazaar/http-client and undici: ~1.5 MB installed) and
// browser globals. @divoc/vc passes its own offline loader to every jsonld call, so it installs neither: jsonld's
// built-in default, which refuses to load anything, stays in place.
'use strict';

module.exports = {
  setupDocumentLoaders() {},
  setupGlobals() {},
};
