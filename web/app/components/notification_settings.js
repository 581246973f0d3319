// notification_settings: the settings' "Notifications" part for this device. A switch for
// desktop notifications (turning it on asks the browser's permission, from that click: see
// notifications.js) and one for their sound; a line says when the browser blocks them or
// cannot show them, also when that changes while the settings are shown (onPermissionChange).
// createNotificationSettings() -> element.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { notificationState, onPermissionChange, setNotifications, setSound, soundOn } from '../notifications.js';

export function createNotificationSettings() {
  const desktop = h('input', { id: 'notify-desktop', type: 'checkbox', onChange: () => setNotifications(desktop.checked).then(show) });
  const sound = h('input', { id: 'notify-sound', type: 'checkbox', onChange: () => setSound(sound.checked) });
  const note = h('p', { className: 'form-status muted', role: 'status' });
  const element = h('div', { className: 'notification-settings' },
    h('label', { className: 'toggle' }, desktop, t('notify_desktop')),
    h('label', { className: 'toggle' }, sound, t('notify_sound')),
    note);

  function show(state) {
    desktop.checked = state === 'on';
    desktop.disabled = state === 'unsupported' || state === 'denied';
    sound.checked = state === 'on' && soundOn();
    sound.disabled = state !== 'on';
    note.textContent = { unsupported: t('notify_unsupported'), denied: t('notify_blocked') }[state] ?? '';
  }

  show(notificationState());
  const stop = onPermissionChange(() => {
    if (element.isConnected) show(notificationState());
    else stop(); // the settings screen is gone
  });
  return element;
}
