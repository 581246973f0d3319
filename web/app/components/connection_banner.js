// connection_banner: the visible "offline / reconnecting" strip. update(status) takes the
// connection status ('connecting' | 'syncing' | 'online' | 'offline'); the banner is hidden
// only while online or during the very first connect. role=status announces changes.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function createConnectionBanner() {
  const element = h('div', { className: 'connection-banner', role: 'status', hidden: true });
  let everOnline = false;
  let last = 'connecting';
  function update(status) {
    last = status;
    if (status === 'online') everOnline = true;
    const show = status === 'offline' || (everOnline && status !== 'online');
    element.hidden = !show;
    element.dataset.status = status;
    element.textContent = status === 'offline' ? t('offline') : show ? t('reconnecting') : '';
  }
  return { element, update, refresh: () => update(last) };
}
