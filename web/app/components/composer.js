// composer: the message field, an emoji button with its picker, and a send button.
// Enter sends (not while an input method is composing), Shift+Enter adds a line, Escape closes
// the picker. onSend(text) gets the trimmed text; empty text is never sent. onInput() is called
// on every edit that leaves text in the field (for the typing indicator).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { createEmojiPicker } from './emoji_picker.js';

export function createComposer({ onSend, onInput = () => {} }) {
  const field = h('textarea', {
    id: 'composer-text', rows: 1, placeholder: t('message_placeholder'), 'aria-label': t('message_label'),
    onKeydown: onFieldKeydown, onInput: () => { autosize(); if (field.value.trim()) onInput(); },
  });
  const emojiButton = h('button', {
    type: 'button', className: 'icon-button', 'aria-label': t('emoji'), title: t('emoji'),
    'aria-haspopup': 'dialog', 'aria-expanded': 'false', onClick: () => picker.toggle(),
  }, '🙂');
  const picker = createEmojiPicker({ field, onClose: () => emojiButton.setAttribute('aria-expanded', 'false') });
  const form = h('form', { className: 'composer', onSubmit: (event) => { event.preventDefault(); submit(); } },
    picker.element, emojiButton, field, h('button', { type: 'submit', className: 'primary send' }, t('send')));
  emojiButton.addEventListener('click', () => emojiButton.setAttribute('aria-expanded', String(picker.isOpen())));

  function onFieldKeydown(event) {
    if (event.key === 'Escape' && picker.isOpen()) {
      picker.close();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function submit() {
    const text = field.value.trim();
    if (!text) return;
    onSend(text);
    field.value = '';
    autosize();
    picker.close();
    field.focus();
  }

  function autosize() {
    field.style.height = 'auto';
    field.style.height = `${Math.min(field.scrollHeight, 160)}px`;
  }

  return { element: form, focus: () => field.focus() };
}
