// Starts Warren's WebAssembly app. A file of its own, not an inline script,
// so that the page's Content-Security-Policy can allow Warren's scripts only.
//
// It also registers the service worker (web/sw.js) and tells the app what
// the worker knows, through `window.warren` and two window events the app
// listens to (web/src/components/app_status.rs):
// - `warren:status`: `window.warren.openedFromStore` (the page came from the
//   copy on this device because Warren could not be reached) or
//   `window.warren.updateReady` (a newer version is installed and waits)
//   changed;
// - `warren:apply-update`, sent by the app when the person chooses to reload
//   into the newer version.
// `cargo xtask web` rewrites the two file names below to their fingerprinted
// names, and fills in the pages' pieces.

const status = (window.warren = { openedFromStore: false, updateReady: false });
const changed = () => window.dispatchEvent(new Event('warren:status'));

function failed(error) {
  console.error('Warren could not start', error);
  const loading = document.getElementById('loading');
  if (!loading) {
    return;
  }
  loading.setAttribute('aria-busy', 'false');
  loading.setAttribute('role', 'alert');
  loading.replaceChildren();
  const wordmark = document.createElement('span');
  wordmark.className = 'wordmark';
  wordmark.textContent = 'Warren';
  const message = document.createElement('p');
  message.textContent = navigator.onLine
    ? 'Warren could not be loaded. The connection may have dropped while it downloaded.'
    : 'Warren could not be loaded: this device is offline, and Warren has not been kept on it yet.';
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.className = 'button';
  retry.id = 'boot-retry';
  retry.textContent = 'Try again';
  retry.addEventListener('click', () => window.location.reload());
  loading.append(wordmark, message, retry);
}

// The pieces of the app's code each part of the app needs (files under
// APP), and which part each route belongs to, from web/src/app.rs. The page
// being opened starts downloading its pieces at once, beside the main
// WebAssembly, instead of once the app runs and its router asks for them.
const APP = '__APP__';
const PARTS = { '__PARTS__': [] };
const ROUTES = [['__ROUTES__', '']];

function routeMatches(pattern, path) {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) {
    return false;
  }
  return want.every((part, index) => part.startsWith(':') ? have[index] !== '' : part === have[index]);
}

function preloadPage() {
  const path = window.location.pathname.replace(/(.)\/+$/, '$1');
  const route = ROUTES.find(([pattern]) => routeMatches(pattern, path));
  for (const file of route ? PARTS[route[1]] || [] : []) {
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'fetch';
    link.type = 'application/wasm';
    link.crossOrigin = 'anonymous';
    link.href = APP + file;
    document.head.append(link);
  }
}

// A person who signed in earlier has a refresh token on this device: it is
// exchanged here, while the app's WebAssembly downloads, instead of once the
// app runs — on a phone that is a round trip and the app's start-up sooner.
// It follows the app's own rules (web/src/session.rs): under the same Web
// Lock, so that no two tabs ever present one single-use token; the new pair
// stored under the same keys, in the same form; skipped when the access
// token stored still lasts. The app then finds a fresh access token and
// adopts it, as it adopts one another tab stored. Anything else — a refused
// token, no network, no Web Locks — leaves the device as it was, for the app
// to handle as it always has; a refusal is handed to the app
// (`window.warren.refusedRefresh`), which ends the session with its reason.
const REFRESH_TOKEN_KEY = 'warren.refresh_token';
const ACCESS_TOKEN_KEY = 'warren.access_token';
const REFRESH_LOCK = 'warren.refresh';

function accessTokenLasts() {
  const stored = localStorage.getItem(ACCESS_TOKEN_KEY);
  const expiry = stored ? Number(stored.split(' ')[0]) : 0;
  return expiry - Date.now() > 60000;
}

async function refreshEarly() {
  try {
    if (!navigator.locks || !localStorage.getItem(REFRESH_TOKEN_KEY) || accessTokenLasts()) {
      return;
    }
    await navigator.locks.request(REFRESH_LOCK, async () => {
      // Another tab may have refreshed while this one waited.
      const refreshToken = localStorage.getItem(REFRESH_TOKEN_KEY);
      if (!refreshToken || accessTokenLasts()) {
        return;
      }
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      if (response.status >= 400 && response.status < 500) {
        // Refused: the app ends the session with this answer's reason, as
        // if it had asked itself (presented again, a token refused as
        // reused would be refused as ended, and the reason lost).
        status.refusedRefresh = { token: refreshToken, problem: await response.text() };
        return;
      }
      if (!response.ok) {
        return;
      }
      const tokens = await response.json();
      localStorage.setItem(REFRESH_TOKEN_KEY, tokens.refresh_token);
      localStorage.setItem(
        ACCESS_TOKEN_KEY,
        `${Date.now() + tokens.expires_in * 1000} ${tokens.access_token}`,
      );
    });
  } catch (error) {
    console.warn('Warren will restore the session once it runs:', error);
  }
}

async function start() {
  refreshEarly();
  preloadPage();
  const { default: init } = await import('/warren_web.js');
  await init({ module_or_path: '/warren_web_bg.wasm' });
}

function watchForUpdates(registration) {
  const announce = () => {
    status.updateReady = true;
    changed();
  };
  // A newer worker announces itself once installed, if an older one runs
  // this page. It may already be installing when registering resolves.
  const follow = (worker) => {
    if (!worker) {
      return;
    }
    const check = () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) {
        announce();
      }
    };
    check();
    worker.addEventListener('statechange', check);
  };
  if (registration.waiting && navigator.serviceWorker.controller) {
    announce();
  }
  follow(registration.installing);
  registration.addEventListener('updatefound', () => follow(registration.installing));
  let applying = false;
  window.addEventListener('warren:apply-update', () => {
    applying = true;
    registration.waiting?.postMessage('warren:skip-waiting');
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (applying) {
      window.location.reload();
    }
  });
}

// Asks the worker how this page was opened: from the network, or from the
// copy on the device because Warren did not answer.
function askHowOpened() {
  if (!('serviceWorker' in navigator)) {
    return;
  }
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data === 'warren:opened-from-store') {
      status.openedFromStore = true;
      changed();
    }
  });
  navigator.serviceWorker.controller?.postMessage('warren:how-was-i-opened');
}

// The pieces of the app's code this page downloaded so far (the pages
// opened before the worker took over): the worker keeps them too.
function downloadedCode() {
  return performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === window.location.origin && url.pathname.startsWith('/app/'))
    .map((url) => url.pathname);
}

function keepOnDevice() {
  if (!('serviceWorker' in navigator)) {
    return;
  }
  navigator.serviceWorker
    .register('/sw.js')
    .then((registration) => {
      watchForUpdates(registration);
      return navigator.serviceWorker.ready;
    })
    .then((registration) => registration.active?.postMessage({ keep: downloadedCode() }))
    .catch((error) => console.warn('Warren will not open offline:', error));
}

// Once the browser has nothing better to do (or after ten seconds at most).
function whenIdle(work) {
  if ('requestIdleCallback' in window) {
    window.requestIdleCallback(work, { timeout: 10000 });
  } else {
    setTimeout(work, 3000);
  }
}

// The worker is registered once the app runs and the page is idle, so that
// storing this version (from the browser's cache, by then) never competes
// with the page's first requests.
start().then(() => {
  askHowOpened();
  whenIdle(keepOnDevice);
}, failed);
