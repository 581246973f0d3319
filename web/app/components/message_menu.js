// message_menu: the actions popup of one message, opened from its "⋯" button: a quick row of
// reactions (pressed when mine; "➕" opens the emoji picker for any other), then Reply, Edit
// (my own text messages) and Delete (mine; in groups also others' when I am owner or admin),
// Delete asking once more ("Delete for everyone") before it acts, and Report (others' text
// messages), which turns the popup into a small dialog asking for the reason before it sends
// the report to the server admins.
// createMessageMenu({container}) returns {element, open(message, anchor, actions), close()}:
// actions is {canEdit, canDelete, canReport, reacted(emoji), onReact(emoji), onReply, onEdit,
// onDelete, onReport(reason)}.
// Keyboard: focus moves into the menu, arrow keys move between its buttons, Escape (or a click
// outside) closes it and returns focus to the anchor.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { createEmojiPicker } from './emoji_picker.js';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export function createMessageMenu({ container }) {
  const element = h('div', { className: 'message-menu', role: 'menu', hidden: true, onKeydown });
  let anchor = null;
  let picker = null;

  function onKeydown(event) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (picker?.isOpen()) picker.close();
      close();
      return;
    }
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step || picker?.isOpen() || event.target.tagName === 'INPUT') return;
    const buttons = [...element.querySelectorAll(':scope > div > button, :scope > button')];
    const index = buttons.indexOf(document.activeElement);
    event.preventDefault();
    buttons[(index + step + buttons.length) % buttons.length]?.focus();
  }

  function onOutside(event) {
    if (!element.contains(event.target) && event.target !== anchor) close();
  }

  function item(label, className, action) {
    return h('button', { type: 'button', role: 'menuitem', className, onClick: action }, label);
  }

  function open(message, from, actions) {
    close();
    anchor = from;
    anchor.setAttribute('aria-expanded', 'true');
    const act = (fn) => () => { close(); fn(); };
    picker = createEmojiPicker({ onPick: (emoji) => { close(); actions.onReact(emoji); } });
    const deleteButton = item(t('delete'), 'menu-delete danger', () => {
      deleteButton.replaceWith(item(t('delete_confirm'), 'menu-delete-confirm danger', act(actions.onDelete)));
      element.querySelector('.menu-delete-confirm').focus();
    });
    // Report turns the popup into a small dialog asking for the reason (a menu holds no field).
    const reportButton = item(t('report_message'), 'menu-report', () => {
      // A text area, so the question wraps on a phone instead of being cut off.
      const reason = h('textarea', { className: 'report-reason', rows: 3, maxlength: 1000, required: true, 'aria-label': t('report_reason'), placeholder: t('report_reason') });
      const form = h('form', {
        className: 'report-form',
        onSubmit: (event) => {
          event.preventDefault();
          const text = reason.value.trim();
          if (text) act(() => actions.onReport(text))();
        },
      }, reason, h('button', { type: 'submit', className: 'report-send danger' }, t('report_send')));
      element.setAttribute('role', 'dialog');
      element.setAttribute('aria-label', t('report_message'));
      element.replaceChildren(form);
      reason.focus();
    });
    // Only the actions this person may take: replaceChildren would write `false` as text.
    element.setAttribute('role', 'menu');
    element.removeAttribute('aria-label');
    element.replaceChildren(...[
      h('div', { className: 'quick-reactions', role: 'group', 'aria-label': t('react') },
        QUICK_REACTIONS.map((emoji) => h('button', {
          type: 'button', role: 'menuitemcheckbox', className: 'quick-reaction', 'aria-checked': String(actions.reacted(emoji)),
          'aria-label': t('react_with', { emoji }), title: t('react_with', { emoji }), onClick: act(() => actions.onReact(emoji)),
        }, emoji)),
        h('button', {
          type: 'button', role: 'menuitem', className: 'quick-reaction more', 'aria-label': t('react_more'), title: t('react_more'),
          'aria-haspopup': 'dialog', onClick: () => picker.toggle(),
        }, '➕')),
      picker.element,
      item(t('reply'), 'menu-reply', act(actions.onReply)),
      actions.canEdit && item(t('edit'), 'menu-edit', act(actions.onEdit)),
      actions.canDelete && deleteButton,
      actions.canReport && reportButton,
    ].filter(Boolean));
    element.hidden = false;
    place(from);
    element.querySelector('button').focus();
    document.addEventListener('pointerdown', onOutside, true);
  }

  // Next to the anchor, inside the container, above it when there is no room below.
  function place(from) {
    const box = container.getBoundingClientRect();
    const at = from.getBoundingClientRect();
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    const left = Math.max(4, Math.min(at.right - box.left - width, box.width - width - 4));
    const below = at.bottom - box.top + 4;
    const top = below + height > box.height - 4 ? Math.max(4, at.top - box.top - height - 4) : below;
    element.style.left = `${left}px`;
    element.style.top = `${top}px`;
  }

  function close() {
    if (element.hidden) return;
    element.hidden = true;
    document.removeEventListener('pointerdown', onOutside, true);
    anchor?.setAttribute('aria-expanded', 'false');
    if (anchor?.isConnected && element.contains(document.activeElement)) anchor.focus();
    else if (anchor?.isConnected && document.activeElement === document.body) anchor.focus();
    anchor = null;
  }

  return { element, open, close, isOpen: () => !element.hidden };
}
