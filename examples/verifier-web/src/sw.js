// Service worker: the page's files are cached on install and served cache-first, so the verifier keeps working
// offline after the first visit. Same-origin GETs only (e.g. a ?trust= file) are added to the cache as they load.
// build.mjs fills in the version and the file list.
const CACHE = 'divoc-verifier-%VERSION%';
const FILES = %FILES%;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => {
        const old = names.filter((n) => n.startsWith('divoc-verifier-') && n !== CACHE);
        return Promise.all(old.map((n) => caches.delete(n)));
      })
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The page itself answers to any query (?now=, ?trust=); other files must match exactly.
  const isPage = request.mode === 'navigate';
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const key = isPage ? new URL('./', self.location.href).href : request;
      const hit = await cache.match(key, { ignoreSearch: isPage });
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
      return response;
    }),
  );
});
