// The service worker of the Parley web app: shows the push notifications parleyd sends (Web
// Push, decrypted by the browser) and opens the right conversation when one is clicked.
// Registered by web/app/push_subscription.js (as a module) only after the user turns
// notifications on; its scope is the whole app.
import { notificationFor } from './app/push_payload.js';

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
