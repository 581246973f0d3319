// emoji_picker: a popup grid of the built-in emoji (emoji_data.js) by category, for one text
// field or for a choice. createEmojiPicker({field, onClose, onPick}) returns {element, open,
// close, toggle, isOpen}. With a field, a chosen emoji is inserted at its caret (replacing the
// selection) and the caret moves after it; with onPick instead (reactions), onPick(emoji) is
// called. `footer` (optional) is an element shown under the grid (the composer's way to the
// stickers on the narrowest phones). Keyboard: the grid buttons are tabbable, arrow keys move
// between them, Escape closes and returns focus to the field.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { EMOJI_CATEGORIES } from './emoji_data.js';

export function insertAtCaret(field, text) {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  field.setRangeText(text, start, end, 'end');
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

export function createEmojiPicker({ field = null, onClose = () => {}, onPick = null, footer = null }) {
  const grid = h('div', { className: 'emoji-grid', role: 'group' });
  const tabs = h('div', { className: 'emoji-tabs', role: 'tablist' });
  const element = h('div', {
    className: 'emoji-picker', role: 'dialog', 'aria-label': t('emoji_picker'), hidden: true,
    onKeydown: onKeydown,
  }, tabs, grid, footer);
  let category = EMOJI_CATEGORIES[0].id;

  function render() {
    tabs.replaceChildren(...EMOJI_CATEGORIES.map((c) => h('button', {
      type: 'button', role: 'tab', className: 'emoji-tab',
      'aria-selected': String(c.id === category), title: t(`category.${c.id}`),
      'aria-label': t(`category.${c.id}`),
      onClick: () => { category = c.id; render(); grid.querySelector('button')?.focus(); },
    }, c.emoji[0])));
    const current = EMOJI_CATEGORIES.find((c) => c.id === category);
    grid.setAttribute('aria-label', t(`category.${category}`));
    grid.replaceChildren(...current.emoji.map((emoji) => h('button', {
      type: 'button', className: 'emoji', 'aria-label': emoji,
      onClick: () => {
        if (onPick) onPick(emoji);
        else {
          insertAtCaret(field, emoji);
          field.focus();
        }
      },
    }, emoji)));
  }

  function onKeydown(event) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
      field?.focus();
      return;
    }
    const buttons = [...grid.querySelectorAll('button')];
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[event.key];
    if (!step) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, index + step))].focus();
  }

  function open() {
    render();
    element.hidden = false;
    grid.querySelector('button')?.focus();
  }

  function close() {
    if (element.hidden) return;
    element.hidden = true;
    onClose();
  }

  return {
    element,
    open,
    close,
    toggle: () => (element.hidden ? open() : close()),
    isOpen: () => !element.hidden,
  };
}
