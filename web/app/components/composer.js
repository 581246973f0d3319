// composer: the message field, an emoji button with its picker, an attach button, a microphone
// button, a camera button and a send button.
// - Enter sends (not while an input method is composing), Shift+Enter adds a line, Escape
//   closes the picker, else ends replying or editing. onSend(text, mode) gets the trimmed
//   text and the mode: null, {reply: message} or {edit: message}; empty text is never sent
//   (an edit of a media message may clear its caption). onInput() is called on every edit that
//   leaves text in the field (for the typing indicator). onDraft(text) is told the field's text
//   after every change that is not an edit of a sent message ('' once sent); setDraft(text)
//   puts a kept draft back in the field. Editing a message sets the draft aside and brings it
//   back when the edit is sent or cancelled.
// - maxTextBytes() is the server's limit on a text (0: not known yet). Past 90 % of it a counter
//   shows the size; a text over it is not sent but kept in the field, and onError(sentence)
//   says by how much.
// - reply(message) and edit(message) show a bar above the field (the quoted sender and text,
//   or "Editing"; ✕ cancels); edit puts the message's text in the field.
// - Files come from the attach button (a file dialog, several at once) or are pasted into the
//   field: onFiles(files, replyTo).
// - The microphone button records a voice message (voice_recorder.js, loaded on first use):
//   hold it and release to send, or press it (mouse or keyboard) to start and use the bar's
//   Send or Cancel. onVoice(file, replyTo) gets the recording; onError(text) a failure.
// - The camera button records a short video the same way, by press only (video_recorder.js,
//   loaded on first use): onVideo(file, replyTo).
// - stickers (optional): a sticker picker (sticker_picker.js) whose button sits beside the
//   emoji button; Escape closes it like the emoji picker. On the narrowest phones the button
//   gives its room to the field and the emoji picker ends with a Stickers button instead.
// - While editing, Send reads Save. Up in the empty field calls onEditLast(), which returns
//   whether it found a message to edit.
import { h } from '../dom.js';
import { formatBytes } from '../format.js';
import { t } from '../i18n.js';
import { createEmojiPicker } from './emoji_picker.js';
import { mediaLabel } from './message_item.js';

const HOLD_MS = 400;
const COUNTER_FROM = 0.9; // of the limit

const byteLength = (text) => new TextEncoder().encode(text).length;

export function createComposer({ onSend, onInput = () => {}, onDraft = () => {}, onEditLast = () => false, onFiles = () => {}, onVoice = () => {}, onVideo = () => {}, onError = () => {}, maxTextBytes = () => 0, users, stickers = null }) {
  const field = h('textarea', {
    id: 'composer-text', rows: 1, placeholder: t('message_placeholder'), 'aria-label': t('message_label'),
    'aria-describedby': 'composer-length',
    onKeydown: onFieldKeydown, onInput: () => { autosize(); followText(); if (!mode?.edit) onDraft(field.value); if (field.value.trim()) onInput(); }, onPaste,
  });
  const lengthCounter = h('span', { className: 'length-counter', id: 'composer-length', hidden: true });
  const emojiButton = h('button', {
    type: 'button', className: 'icon-button', 'aria-label': t('emoji'), title: t('emoji'),
    'aria-haspopup': 'dialog', 'aria-expanded': 'false', onClick: () => picker.toggle(),
  }, '🙂');
  const toStickers = stickers && h('button', {
    type: 'button', className: 'link-button emoji-to-stickers', onClick: () => { picker.close(); stickers.open(); },
  }, `🧸 ${t('stickers')}`);
  const picker = createEmojiPicker({ field, footer: toStickers, onClose: () => emojiButton.setAttribute('aria-expanded', 'false') });
  const fileInput = h('input', {
    type: 'file', multiple: true, hidden: true, id: 'composer-files',
    onChange: () => { if (fileInput.files.length) onFiles([...fileInput.files], replyTarget()); fileInput.value = ''; endMode(); },
  });
  const attachButton = h('button', {
    type: 'button', className: 'icon-button attach', 'aria-label': t('attach'), title: t('attach'), onClick: () => fileInput.click(),
  }, '📎');
  const micButton = h('button', {
    type: 'button', className: 'icon-button mic', 'aria-label': t('record_voice'), title: t('record_voice'),
    onPointerdown: onMicDown, onClick: onMicClick,
  }, '🎤');
  const videoButton = h('button', {
    type: 'button', className: 'icon-button video-record', 'aria-label': t('record_video'), title: t('record_video'),
    onClick: () => { if (!recording) startRecording('video'); },
  }, '🎬');
  const sendButton = h('button', { type: 'submit', className: 'primary send' }, t('send'));
  const modeText = h('span', { className: 'composer-mode-text' });
  const modeBar = h('div', { className: 'composer-mode', hidden: true },
    modeText, h('button', { type: 'button', className: 'icon-button mode-cancel', 'aria-label': t('cancel'), title: t('cancel'), onClick: () => { endMode(); field.focus(); } }, '✕'));
  const row = h('div', { className: 'composer-row' },
    picker.element, emojiButton, stickers?.element, stickers?.button, field, attachButton, fileInput, micButton, videoButton, sendButton);
  const form = h('form', { className: 'composer', onSubmit: (event) => { event.preventDefault(); submit(); } }, modeBar, row, lengthCounter);
  emojiButton.addEventListener('click', () => emojiButton.setAttribute('aria-expanded', String(picker.isOpen())));
  let mode = null; // null | {reply: message} | {edit: message}
  let draftBeforeEdit = ''; // what the field held when an edit began, back once it ends
  followText();
  let recording = null; // {recorder, ready: Promise, pressedAt}

  const replyTarget = () => mode?.reply ?? null;

  function setMode(next) {
    mode = next;
    modeBar.hidden = !mode;
    form.dataset.mode = mode ? Object.keys(mode)[0] : '';
    sendButton.textContent = mode?.edit ? t('save') : t('send');
    if (mode?.reply) {
      const message = mode.reply;
      modeText.replaceChildren(
        h('span', { className: 'quote-name' }, t('replying_to', { name: users.name(message.sender_id) })),
        h('span', { className: 'quote-text' }, message.text || mediaLabel(message.media?.kind)));
    } else if (mode?.edit) modeText.replaceChildren(h('span', { className: 'quote-name' }, t('editing')));
  }

  function endMode() {
    if (mode?.edit) field.value = draftBeforeEdit;
    setMode(null);
    autosize();
  }

  function onFieldKeydown(event) {
    if (event.key === 'Escape' && picker.isOpen()) {
      picker.close();
      return;
    }
    if (event.key === 'Escape' && stickers?.isOpen()) {
      stickers.close();
      return;
    }
    if (event.key === 'Escape' && mode) {
      endMode();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
    if (event.key === 'ArrowUp' && !mode && !field.value && onEditLast()) event.preventDefault();
  }

  function onPaste(event) {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    onFiles(files, replyTarget());
    endMode();
  }

  // What follows the field's text: whether it is empty (on a phone, Send shows only with text
  // to send, the microphone only without), and its size against the server's limit, once it
  // comes near.
  function followText() {
    form.dataset.empty = String(!field.value.trim());
    const limit = maxTextBytes();
    const size = limit ? byteLength(field.value.trim()) : 0;
    lengthCounter.hidden = !limit || size < limit * COUNTER_FROM;
    lengthCounter.classList.toggle('over', size > limit);
    lengthCounter.textContent = lengthCounter.hidden ? '' : t('text_length', { size: formatBytes(size), limit: formatBytes(limit) });
  }

  function submit() {
    const text = field.value.trim();
    const editingMedia = mode?.edit?.media;
    if (!text && !editingMedia) return;
    const limit = maxTextBytes();
    if (limit && byteLength(text) > limit) {
      onError(t('text_too_long', { size: formatBytes(byteLength(text)), limit: formatBytes(limit) }));
      return;
    }
    const wasEdit = Boolean(mode?.edit);
    if (!wasEdit) onDraft('');
    onSend(text, mode);
    field.value = wasEdit ? draftBeforeEdit : '';
    followText();
    setMode(null);
    autosize();
    picker.close();
    field.focus();
  }

  function autosize() {
    field.style.height = 'auto';
    field.style.height = `${Math.min(field.scrollHeight, 160)}px`;
  }

  // Recording (kind 'voice' or 'video'): the recorder replaces the row until it is sent or
  // cancelled.
  function startRecording(kind = 'voice') {
    const replyTo = replyTarget();
    const state = { pressedAt: performance.now(), recorder: null };
    recording = state;
    const video = kind === 'video';
    const load = video
      ? import('./video_recorder.js').then((m) => m.createVideoRecorder)
      : import('./voice_recorder.js').then((m) => m.createVoiceRecorder);
    state.ready = load.then((createRecorder) => {
      const done = () => {
        state.recorder.element.remove();
        row.hidden = false;
        recording = null;
        (video ? videoButton : micButton).focus();
      };
      state.recorder = createRecorder({
        onDone: (file, durationMs) => { done(); endMode(); (video ? onVideo : onVoice)(file, replyTo, durationMs); },
        onCancel: done,
      });
      return state.recorder.start().then(() => {
        row.hidden = true;
        form.append(state.recorder.element);
        state.recorder.element.querySelector('.recording-send').focus();
      });
    }).catch((error) => {
      recording = null;
      onError(t(video ? 'camera_unavailable' : 'mic_unavailable', { reason: error.name || error.message }));
    });
  }

  function onMicDown(event) {
    if (event.button !== 0 || recording) return;
    startRecording();
    recording.byPointer = true;
    document.addEventListener('pointerup', onMicUp, { once: true }); // the button hides meanwhile
  }

  function onMicUp() {
    const state = recording;
    if (!state?.byPointer || performance.now() - state.pressedAt < HOLD_MS) return; // a press: keeps recording
    state.ready.then(() => state.recorder?.finish(true));
  }

  function onMicClick(event) {
    if (event.detail !== 0) return; // pointer presses are handled above
    if (!recording) startRecording();
  }

  return {
    element: form,
    focus: () => field.focus(),
    reply(message) {
      if (mode?.edit) field.value = draftBeforeEdit;
      setMode({ reply: message });
      field.focus();
    },
    edit(message) {
      if (!mode?.edit) draftBeforeEdit = field.value;
      setMode({ edit: message });
      field.value = message.text ?? '';
      autosize();
      followText();
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    },
    isRecording: () => Boolean(recording),
    setDraft(text) {
      field.value = text;
      autosize();
      followText();
    },
  };
}
