// offline_shell: registers the service worker (web/sw.js) that keeps the app's own files, so a
// reload without the server still opens the app. registerOfflineShell() is called once at
// start; it resolves (never rejects) once the worker is ready and has been told which app files
// this page loaded before the worker controlled it (the first visit), so those are kept too.
// Without service workers (an old browser, a non-secure origin) it does nothing.
export async function registerOfflineShell() {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js', { type: 'module' });
    const registration = await navigator.serviceWorker.ready;
    const urls = performance.getEntriesByType('resource').map((entry) => entry.name)
      .filter((url) => new URL(url).origin === location.origin);
    registration.active?.postMessage({ type: 'cache-shell', urls });
  } catch { /* no offline shell on this device; the app works as before */ }
}
