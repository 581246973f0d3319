// push_setting: the settings' switch for push notifications to this device while Parley is
// closed (push_subscription.js). Turning it on asks the browser's permission (from that
// click) and subscribes; off unsubscribes. While the browser blocks notifications for the site
// the switch is off and disabled with a line saying so, also when the permission becomes
// denied after the switch was shown (onPermissionChange). createPushSetting(api) -> element,
// or null when this browser has no push.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { onPermissionChange, permissionAnswered } from '../notifications.js';
import { disablePush, enablePush, pushEnabled, pushSupported } from '../push_subscription.js';

export function createPushSetting(api) {
  if (!pushSupported()) return null;
  const toggle = h('input', { id: 'push-toggle', type: 'checkbox', onChange: onToggle });
  const status = h('p', { className: 'form-status', role: 'status' });
  const element = h('div', { className: 'push-setting' }, h('label', { className: 'toggle' }, toggle, t('notify_push')), status);
  let busy = false;

  // What the switch shows when nothing is in progress; `said` a sentence to keep.
  function show(said = '') {
    const blocked = Notification.permission === 'denied';
    toggle.checked = !blocked && pushEnabled();
    toggle.disabled = blocked || busy;
    status.textContent = blocked ? t('notify_push_denied') : said;
  }

  async function onToggle() {
    busy = true;
    show();
    let said = '';
    try {
      if (toggle.checked) {
        await enablePush(api);
        said = t('notify_push_on');
      } else {
        await disablePush(api);
      }
    } catch (error) {
      if (error.message === 'denied') permissionAnswered();
      else said = errorText(error);
    }
    busy = false;
    show(said);
  }

  show();
  const stop = onPermissionChange(() => {
    if (!element.isConnected) stop(); // the settings screen is gone
    else if (!busy) show(Notification.permission === 'denied' ? '' : status.textContent);
  });
  return element;
}
