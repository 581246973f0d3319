// notifications: a desktop notification and a short chime for a message that arrives while
// Parley is not in front (the page hidden, or another window focused). A choice of this device
// (localStorage): off until the person turns it on in the settings, with the sound on by
// default once notifications are.
// - notificationState(): 'unsupported', 'denied' (blocked in the browser), 'on' or 'off'.
// - setNotifications(on): turning them on asks the browser's permission, so it must run in
//   the handler of a click or change (browsers ignore, and penalise, a prompt without a user
//   gesture); nothing else ever asks. Resolves to the new notificationState().
// - soundOn() / setSound(on).
// - onPermissionChange(listener): listener() after the browser answered a prompt (here or in
//   push_subscription.js: permissionAnswered()) and whenever the person changes the site's
//   permission in the browser (Permissions API), so a switch shown earlier follows; returns
//   the unsubscribe.
// - notify({title, body, tag, onClick}): when on and not in front, shows a notification
//   (replacing the earlier one with the same tag: one per conversation) and plays the chime
//   (Web Audio, no file) unless the sound is off, at most every 2 s; a click on it focuses the
//   window, calls onClick and closes it.
const ENABLED_KEY = 'parley.notifications';
const SOUND_KEY = 'parley.notification_sound';
const CHIME_EVERY_MS = 2000;

let audio = null;
let chimedAt = 0;
const permissionListeners = new Set();
let watchingBrowser = false;

export function permissionAnswered() {
  for (const listener of [...permissionListeners]) listener();
}

export function onPermissionChange(listener) {
  permissionListeners.add(listener);
  if (!watchingBrowser && navigator.permissions?.query) {
    watchingBrowser = true;
    navigator.permissions.query({ name: 'notifications' })
      .then((status) => status.addEventListener('change', permissionAnswered))
      .catch(() => { /* not queryable here: prompts still report */ });
  }
  return () => permissionListeners.delete(listener);
}

export function notificationState() {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && localStorage.getItem(ENABLED_KEY) === 'on' ? 'on' : 'off';
}

export async function setNotifications(on) {
  if (!on) localStorage.removeItem(ENABLED_KEY);
  else if (typeof Notification !== 'undefined') {
    localStorage.setItem(ENABLED_KEY, 'on');
    if (Notification.permission === 'default') {
      const asked = Notification.requestPermission();
      warmUpSound(); // inside the same gesture, so the chime may play later
      await asked;
      permissionAnswered();
    } else warmUpSound();
  }
  return notificationState();
}

export const soundOn = () => localStorage.getItem(SOUND_KEY) !== 'off';

export function setSound(on) {
  if (on) {
    localStorage.removeItem(SOUND_KEY);
    warmUpSound();
  } else localStorage.setItem(SOUND_KEY, 'off');
}

function warmUpSound() {
  try {
    audio ??= new AudioContext();
    audio.resume().catch(() => {});
  } catch {
    audio = null; // no Web Audio: notifications stay silent
  }
}

function chime() {
  const now = Date.now();
  if (!soundOn() || now - chimedAt < CHIME_EVERY_MS) return;
  chimedAt = now;
  warmUpSound();
  if (!audio || audio.state !== 'running') return;
  for (const [offset, frequency] of [[0, 880], [0.12, 1320]]) {
    const start = audio.currentTime + offset;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.15, start);
    volume.gain.exponentialRampToValueAtTime(0.001, start + 0.25);
    tone.connect(volume).connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.25);
  }
}

const inFront = () => document.visibilityState === 'visible' && document.hasFocus();

export function notify({ title, body, tag, onClick }) {
  // The device's choice first: asking the browser for its permission costs, once a message.
  if (localStorage.getItem(ENABLED_KEY) !== 'on' || notificationState() !== 'on' || inFront()) return;
  const notification = new Notification(title, { body, tag });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
  chime();
}
