// attention: says in the tab that messages wait, for a person whose tab is in the background.
// createAttention(state) keeps the document's title "(N) Parley" while N messages are unread
// in all conversations (chat_state.unread), else "Parley", and the favicon an icon drawn on a
// canvas (a data: URL, which the Content-Security-Policy allows for images) with a red badge
// showing N (9+ above nine) while N > 0. It follows every chat_state change; refresh() after
// the language changed; stop() leaves the plain title and icon (logged out).
import { t } from './i18n.js';

const SIZE = 64;

export function totalUnread(state) {
  return state.sorted().reduce((sum, conversation) => sum + state.unread(conversation), 0);
}

function iconUrl(count) {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.fillStyle = '#2563eb';
  g.beginPath();
  g.roundRect(4, 4, 56, 56, 14);
  g.fill();
  g.fillStyle = '#fff';
  g.font = 'bold 40px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('P', 32, 35);
  if (count > 0) {
    g.fillStyle = '#dc2626';
    g.beginPath();
    g.arc(44, 20, 19, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#fff';
    g.font = 'bold 26px sans-serif';
    g.fillText(count > 9 ? '9+' : String(count), 44, 22);
  }
  return canvas.toDataURL('image/png');
}

function iconLink() {
  let link = document.querySelector('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  return link;
}

function show(count) {
  const title = count > 0 ? `(${count}) ${t('app_name')}` : t('app_name');
  if (document.title !== title) document.title = title; // setting it costs, even unchanged
  const link = iconLink();
  if (link.dataset.count === String(count)) return;
  const url = iconUrl(count);
  if (!url) return;
  link.href = url;
  link.dataset.count = String(count);
}

export function createAttention(state) {
  const refresh = () => show(totalUnread(state));
  const unsubscribe = state.subscribe(refresh);
  refresh();
  return {
    refresh,
    stop() {
      unsubscribe();
      show(0);
    },
  };
}
