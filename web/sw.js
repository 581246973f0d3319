// The service worker of the Parley web app (scope: the whole app). Registered by
// web/app/offline_shell.js at every start (as a module; push_subscription.js registers the same
// one), it does two things:
// - Offline shell: the app's own files (the page, /app, /styles, /i18n) are fetched network
//   first and kept in one versioned cache (SHELL_CACHE; older versions are deleted on activate),
//   so a reload while the server cannot be reached still opens the app, which then shows its
//   saved conversation list (saved_list.js) and the connection banner. Only GET requests for
//   those paths are cached, and a page (any navigation) is kept under "/" (the server answers
//   every app path with the same index.html). Nothing under /api, /ws or /media passes through
//   here: those go to the network as if there were no worker, so no response with private data
//   is ever cached. The page posts {type: 'cache-shell', urls} with the files it loaded before
//   this worker controlled it; only shell paths of this origin are taken from that list.
// - Web Push: shows the notifications parleyd sends (decrypted by the browser) and opens the
//   right conversation when one is clicked.
import { notificationFor } from './app/push_payload.js';

const SHELL_VERSION = 1;
const SHELL_PREFIX = 'parley-shell-v';
const SHELL_CACHE = `${SHELL_PREFIX}${SHELL_VERSION}`;
const SHELL_FILE = /^\/(app|styles|i18n)\/[\w./-]+\.(js|css)$/;
const PAGE_KEY = '/';
const INSTALL_FILES = [PAGE_KEY, '/app/main.js', '/styles/base.css', '/styles/layout.css', '/styles/chat.css'];
const MAX_POSTED_URLS = 200; // the app has about 60 files; a longer list is not the app's

// The cache key of a shell request, or null when this request is not the shell's.
function shellKey(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return null;
  if (request.mode === 'navigate') {
    return /^\/(api|ws|media)(\/|$)/.test(url.pathname) ? null : PAGE_KEY;
  }
  return SHELL_FILE.test(url.pathname) && !url.search ? url.pathname : null;
}

// The network's answer at once; a good one is also kept, in the background (`keep`: the fetch
// event's waitUntil), so no page waits on the cache's disk writes.
async function networkFirst(request, key, keep) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      keep(caches.open(SHELL_CACHE).then((cache) => cache.put(key, copy)).catch(() => {}));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

// Fetches and keeps the paths not kept yet (a kept one is refreshed by its next load).
async function keepMissing(paths) {
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(paths.map(async (path) => {
    if (await cache.match(path)) return;
    await cache.add(path).catch(() => { /* the next load keeps it */ });
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepMissing(INSTALL_FILES).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const key = shellKey(event.request);
  if (key) event.respondWith(networkFirst(event.request, key, (promise) => event.waitUntil(promise)));
});

self.addEventListener('message', (event) => {
  const { type, urls } = event.data ?? {};
  if (type !== 'cache-shell' || !Array.isArray(urls)) return;
  const paths = new Set();
  for (const value of urls.slice(0, MAX_POSTED_URLS)) {
    try {
      const url = new URL(String(value), self.location.origin);
      if (url.origin === self.location.origin && !url.search && SHELL_FILE.test(url.pathname)) paths.add(url.pathname);
    } catch { /* not a URL */ }
  }
  event.waitUntil(keepMissing([...paths]));
});

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch { /* not JSON: show the generic notification */ }
  const { title, options } = notificationFor(payload);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = event.notification.data?.path ?? '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === self.location.origin) {
        await client.focus();
        return client.navigate(path);
      }
    }
    return self.clients.openWindow(path);
  })());
});
