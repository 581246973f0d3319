// sticker_picker: the popup beside the emoji picker that sends a sticker. createStickerPicker(
// {api, cache, onPick}) returns {element, button, open, close, isOpen}. Opening it loads the shelf
// (GET /stickers: the built-in pack, my collection, my recent stickers, kept server-side so
// every device shows the same row); tabs switch between "Recent" and each pack; a click on a
// sticker calls onPick(sticker) and closes the picker. "Manage stickers" links to /sticker-packs
// (stickers_screen.js). Escape closes it and returns focus to the button. A failed load says
// so in words, never with a code.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { stickerImage } from './sticker_view.js';

export function createStickerPicker({ api, cache, onPick }) {
  const tabs = h('div', { className: 'sticker-tabs', role: 'tablist' });
  const grid = h('div', { className: 'sticker-grid', role: 'group' });
  const note = h('p', { className: 'sticker-note' });
  const manage = h('a', { href: '/sticker-packs', className: 'sticker-manage' }, t('stickers_manage'));
  const element = h('div', {
    className: 'sticker-picker', role: 'dialog', 'aria-label': t('stickers'), hidden: true,
    onKeydown: (event) => { if (event.key === 'Escape') { event.stopPropagation(); close(); button.focus(); } },
  }, tabs, note, grid, manage);
  const button = h('button', {
    type: 'button', className: 'icon-button sticker-button', 'aria-label': t('stickers'), title: t('stickers'),
    'aria-haspopup': 'dialog', 'aria-expanded': 'false', onClick: () => (isOpen() ? close() : open()),
  }, '🧸');
  let shelf = { packs: [], recent: [] };
  let current = 'recent';

  function render() {
    const choices = [{ key: 'recent', label: t('stickers_recent'), stickers: shelf.recent },
      ...shelf.packs.map((p) => ({ key: p.slug, label: p.builtin ? t('stickers_builtin') : p.name, stickers: p.stickers }))];
    if (!choices.some((c) => c.key === current)) current = 'recent';
    if (current === 'recent' && shelf.recent.length === 0 && shelf.packs.length) current = shelf.packs[0].slug;
    tabs.replaceChildren(...choices.map((c) => h('button', {
      type: 'button', role: 'tab', className: 'sticker-tab', 'aria-selected': String(c.key === current),
      onClick: () => { current = c.key; render(); },
    }, c.label)));
    const chosen = choices.find((c) => c.key === current);
    note.textContent = chosen.stickers.length ? '' : t(current === 'recent' ? 'stickers_no_recent' : 'stickers_empty_pack');
    grid.replaceChildren(...chosen.stickers.map((sticker) => h('button', {
      type: 'button', className: 'sticker-choice', title: sticker.keywords, 'aria-label': sticker.keywords,
      onClick: () => { close(); onPick(sticker); },
    }, stickerImage(sticker, cache))));
  }

  async function open() {
    current = 'recent'; // each opening starts at Recent (or the first pack while it is empty)
    element.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    note.textContent = t('loading');
    try {
      shelf = await api.stickerShelf();
      render();
      tabs.querySelector('[aria-selected="true"]')?.focus();
    } catch (error) {
      note.textContent = errorText(error, 'stickers');
    }
  }

  function close() {
    element.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }

  function isOpen() { return !element.hidden; }

  return { element, button, open, close, isOpen };
}
