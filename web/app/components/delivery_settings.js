// delivery_settings: the settings' switches for how the server reaches me beyond this device
// (docs/protocol.md, "GET /api/v1/push/settings"): push notifications also while every open
// Parley of mine says I am away, and an e-mail digest of what I missed after a while offline.
// The digest switch shows only on a server that sends mail; turning it on without a verified
// address says to add one. createDeliverySettings(api) -> element (filled once loaded).
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

// "30 minutes", "2 hours": the digest delay in words.
function delayText(ms) {
  const minutes = Math.max(1, Math.round(ms / 60000));
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return t(hours === 1 ? 'delay_hours_one' : 'delay_hours', { count: hours });
  }
  return t(minutes === 1 ? 'delay_minutes_one' : 'delay_minutes', { count: minutes });
}

export function createDeliverySettings(api) {
  const away = h('input', { id: 'notify-when-away', type: 'checkbox', onChange: () => save({ when_away: away.checked }) });
  const digest = h('input', { id: 'notify-email-digest', type: 'checkbox', onChange: () => save({ email_digest: digest.checked }) });
  const digestLabel = h('span', {});
  const digestRow = h('label', { className: 'toggle', hidden: true }, digest, digestLabel);
  const status = h('p', { className: 'form-status', role: 'status' });
  const element = h('div', { className: 'delivery-settings' },
    h('label', { className: 'toggle' }, away, t('notify_when_away')), digestRow, status);

  function show(settings) {
    away.checked = settings.when_away === true;
    digest.checked = settings.email_digest === true;
    digestRow.hidden = !(settings.email_digest_after_ms > 0);
    digestLabel.textContent = t('notify_email_digest', { delay: delayText(settings.email_digest_after_ms) });
  }

  async function save(fields) {
    status.textContent = '';
    away.disabled = digest.disabled = true;
    try {
      show(await api.setPushSettings(fields));
      status.textContent = t('delivery_saved');
    } catch (error) {
      if ('email_digest' in fields) digest.checked = !fields.email_digest;
      if ('when_away' in fields) away.checked = !fields.when_away;
      status.textContent = errorText(error, 'digest');
    } finally {
      away.disabled = digest.disabled = false;
    }
  }

  api.pushSettings().then(show, (error) => { status.textContent = errorText(error); });
  return element;
}
