// service_workers: contexts of the browser tests run without the app's service worker unless a
// scenario asks for it. blockServiceWorkersByDefault(browser) wraps browser.newContext so that a
// context is created with `serviceWorkers: 'block'` (Playwright then makes
// navigator.serviceWorker.register do nothing) unless the options say `serviceWorkers: 'allow'`.
//
// Why: Playwright holds every new service worker target until it resumes it over the DevTools
// protocol, and while a worker is held every request of the pages it controls waits, the API's
// included. On a loaded CI machine a context then stopped making requests for good right after
// a navigation (web_two_step_test and web_moments_test, with no request reaching the server for
// 30 s). The worker's own behaviour (the offline shell, Web Push) is tested by the scenarios that
// allow it: offline_scenarios.mjs and push_sw_run.mjs.
export function blockServiceWorkersByDefault(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ serviceWorkers: 'block', ...options });
}
