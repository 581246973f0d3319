// push_subscription: turns this device's push notifications on and off. enablePush() must run
// from a user gesture (the settings toggle): it asks for permission, registers the service
// worker, subscribes with the server's VAPID key and registers the subscription as this
// device's target; the target id is kept in localStorage so disablePush() can remove it.
import { keyBytes } from './push_payload.js';

const TARGET_KEY = 'parley.push_target';

export function pushSupported() {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window
    && 'Notification' in window;
}

export function pushEnabled() {
  return pushSupported() && Notification.permission === 'granted'
    && localStorage.getItem(TARGET_KEY) !== null;
}

// Resolves once subscribed and registered; rejects with Error('denied') when the user refuses.
export async function enablePush(api) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('denied');
  const registration = await navigator.serviceWorker.register('/sw.js', { type: 'module' });
  await navigator.serviceWorker.ready;
  const { public_key: key } = await api.pushKey();
  const subscription = await registration.pushManager.getSubscription()
    ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const { target } = await api.addPushTarget({ provider: 'webpush', ...subscription.toJSON() });
  localStorage.setItem(TARGET_KEY, String(target.id));
}

export async function disablePush(api) {
  const id = localStorage.getItem(TARGET_KEY);
  localStorage.removeItem(TARGET_KEY);
  const registration = await navigator.serviceWorker.getRegistration('/');
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe();
  if (id !== null) {
    try {
      await api.removePushTarget(id);
    } catch { /* gone already (logged out, or the push service reported it gone) */ }
  }
}
