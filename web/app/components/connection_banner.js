// connection_banner: the strip that says the connection is not there. update(status, retryAt)
// takes the connection's status ('connecting' | 'syncing' | 'online' | 'offline') and, when
// offline, when the next attempt starts. Hidden while online and during the very first
// connect. Offline with the browser's network gone: "Offline", and messages wait; offline with
// an attempt due: "Can't reach the server", a countdown to the attempt and "Retry now"
// (onRetry). The sentence is a status region (announced when it changes); the countdown,
// which changes every second, is not.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function createConnectionBanner({ onRetry }) {
  const message = h('span', { role: 'status' });
  const countdown = h('span', { className: 'countdown', 'aria-hidden': 'true' });
  const retry = h('button', { type: 'button', className: 'link retry-now', onClick: () => onRetry() }, t('retry_now'));
  const element = h('div', { className: 'connection-banner', hidden: true }, message, countdown, retry);
  let everOnline = false;
  let last = ['connecting', null];
  let ticker = null;

  function tick() {
    const [, retryAt] = last;
    const seconds = Math.ceil((retryAt - Date.now()) / 1000);
    countdown.textContent = seconds > 0 ? t('retrying_in', { seconds }) : '';
  }

  function update(status, retryAt = null) {
    last = [status, retryAt];
    if (status === 'online') everOnline = true;
    const show = status === 'offline' || (everOnline && status !== 'online');
    const unreachable = status === 'offline' && retryAt !== null;
    element.hidden = !show;
    element.dataset.status = status;
    const sentence = !show ? '' : unreachable ? t('cant_reach_server') : status === 'offline' ? t('offline') : t('reconnecting');
    if (message.textContent !== sentence) message.textContent = sentence;
    retry.hidden = !unreachable;
    clearInterval(ticker);
    countdown.textContent = '';
    if (unreachable) {
      tick();
      ticker = setInterval(tick, 1000);
    }
  }

  return { element, update, refresh: () => update(...last) };
}
