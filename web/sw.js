// Warren's service worker: keeps the app on the device so that it opens with
// the network down (triage then works from the copies the app keeps of the
// protocol and the person's sites, and its records wait in the outbox).
//
// - The app shell (index.html, the fingerprinted script, WebAssembly and
//   stylesheet, the manifest and icons) is stored when this version installs.
//   `cargo xtask web` writes the list and the version's name below.
// - Pages (navigations) come from the network, and from the stored shell when
//   Warren cannot be reached; the worker then tells the page, which says so.
// - Fingerprinted files, and everything in a version's folder `/app/<hash>/`
//   (the app's code, cut into one piece per page), never change under their
//   name: they come from the store first, and are stored when first fetched.
//   The pieces the page downloaded before this worker took over are stored
//   when the page lists them (`warren:keep`), so every page a person used
//   opens offline, not only the shell.
// - Other files of the app are fetched and kept as a fallback.
// - The API, the embed, the demo mailbox and the health and metrics pages
//   are never answered from the store: their requests pass through.
// - A new version installs in the background and waits; the page offers to
//   reload, and the waiting worker takes over when the person agrees.

const VERSION = '__VERSION__';
const PRECACHE = ['__PRECACHE__'];
const CACHE = `warren-${VERSION}`;
const FINGERPRINTED = /(\.[0-9a-f]{16}\.[a-z]+$)|(^\/app\/[0-9a-f]{16}\/)/;
const APP_CODE = /^\/app\/[0-9a-f]{16}\/[^/]+$/;
// The pages this worker opened from the store, until they ask.
const servedFromStore = new Set();

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('warren-') && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'warren:skip-waiting') {
    self.skipWaiting();
  } else if (event.data?.keep && Array.isArray(event.data.keep)) {
    event.waitUntil(keep(event.data.keep));
  } else if (event.data === 'warren:how-was-i-opened' && event.source) {
    const fromStore = servedFromStore.delete(event.source.id);
    event.source.postMessage(fromStore ? 'warren:opened-from-store' : 'warren:opened-from-network');
  }
});

// Stores the pieces of the app's code a page already downloaded, unless
// they are stored already; only same-origin files of a version's folder.
async function keep(urls) {
  const cache = await caches.open(CACHE);
  for (const href of urls) {
    const url = new URL(href, self.location.origin);
    if (url.origin !== self.location.origin || !APP_CODE.test(url.pathname)) {
      continue;
    }
    if (!(await cache.match(url.pathname))) {
      try {
        await cache.add(url.pathname);
      } catch (error) {
        console.warn('Warren could not keep', url.pathname, error);
      }
    }
  }
}

async function page(event) {
  try {
    return await fetch(event.request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const shell = await cache.match('/');
    if (!shell) {
      throw error;
    }
    if (event.resultingClientId) {
      servedFromStore.add(event.resultingClientId);
    }
    return shell;
  }
}

async function file(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  if (FINGERPRINTED.test(url.pathname)) {
    const stored = await cache.match(request);
    if (stored) {
      return stored;
    }
    const answer = await fetch(request);
    if (answer.ok) {
      cache.put(request, answer.clone());
    }
    return answer;
  }
  try {
    const answer = await fetch(request);
    if (answer.ok) {
      cache.put(request, answer.clone());
    }
    return answer;
  } catch (error) {
    const stored = await cache.match(request);
    if (stored) {
      return stored;
    }
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (
    request.method !== 'GET' ||
    url.origin !== self.location.origin ||
    url.pathname.startsWith('/api/') ||
    url.pathname.startsWith('/embed/') ||
    url.pathname.startsWith('/demo/') ||
    url.pathname === '/metrics' ||
    url.pathname === '/healthz' ||
    url.pathname === '/readyz'
  ) {
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(page(event));
  } else {
    event.respondWith(file(request));
  }
});
