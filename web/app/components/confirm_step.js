// confirm_step: a button whose action cannot be taken back in one click (remove a member or a
// friend, block, transfer ownership, delete a group) asks first, where it was clicked: the
// button gives way to the question, which names who or what it acts on, with the action's
// button (.confirm) and Cancel (.cancel); Cancel or Escape puts the button back. Focus goes to
// Cancel, then back to the button. confirmStep({label, question, className, onConfirm,
// asking, onAsking}) -> element. onConfirm runs once per confirmation. A screen that rebuilds
// its rows (live updates) keeps the question open across it: `asking` starts the element
// asking, and onAsking(open) tells the screen when it opens or closes.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function confirmStep({ label, question, className = '', onConfirm, asking = false, onAsking = () => {} }) {
  const start = h('button', { type: 'button', className, onClick: () => { ask(); onAsking(true); } }, label);
  const element = h('span', { className: 'confirm-step', onKeydown: onKey }, start);
  if (asking) ask({ focus: false });

  function ask({ focus = true } = {}) {
    const cancel = h('button', { type: 'button', className: 'cancel', onClick: back }, t('cancel'));
    element.replaceChildren(h('span', { className: 'confirm-question', role: 'group', 'aria-label': label },
      h('span', { className: 'confirm-text' }, question),
      h('button', { type: 'button', className: 'danger confirm', onClick: () => { onAsking(false); onConfirm(); } }, label),
      cancel));
    element.classList.add('asking');
    if (focus) cancel.focus();
  }

  function back() {
    element.replaceChildren(start);
    element.classList.remove('asking');
    start.focus();
    onAsking(false);
  }

  function onKey(event) {
    if (event.key !== 'Escape' || start.isConnected) return;
    event.stopPropagation();
    back();
  }

  return element;
}
