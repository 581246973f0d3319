// lightbox: a full-window viewer for the images of a conversation, loaded on the first opened
// image. openLightbox({images, index, cache, users}) shows images[index] ({media, sender_id,
// created_at}) at its full size (the thumbnail first while the original loads, both fetched
// with the token) and returns close().
// Accessible: a modal dialog (the app behind it is inert), focus starts on Close and stays in
// the dialog (Tab cycles), Escape or a click on the backdrop closes and returns focus where it
// was (or to the opened image's button, when the chat re-rendered it); ArrowLeft and ArrowRight (and the ‹ › buttons) move between the images.
import { h } from '../dom.js';
import { formatDate } from '../format.js';
import { t } from '../i18n.js';
import { mediaPath } from '../media_cache.js';

export function openLightbox({ images, index: start, cache, users }) {
  const app = document.getElementById('app');
  const returnFocus = document.activeElement;
  const openedId = images[start].media.id;
  let index = start;
  const img = h('img', { className: 'lightbox-image', alt: '' });
  const caption = h('p', { className: 'lightbox-caption', id: 'lightbox-caption' });
  const prev = h('button', { type: 'button', className: 'lightbox-prev', 'aria-label': t('previous_image'), title: t('previous_image'), onClick: () => show(index - 1) }, '‹');
  const next = h('button', { type: 'button', className: 'lightbox-next', 'aria-label': t('next_image'), title: t('next_image'), onClick: () => show(index + 1) }, '›');
  const closeButton = h('button', { type: 'button', className: 'lightbox-close', 'aria-label': t('close'), title: t('close'), onClick: close }, '✕');
  const dialog = h('div', {
    className: 'lightbox', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('image_viewer'),
    'aria-describedby': 'lightbox-caption', onKeydown, onClick: (event) => { if (event.target === dialog || event.target === figure) close(); },
  });
  const figure = h('div', { className: 'lightbox-figure' }, img);
  dialog.append(closeButton, prev, figure, next, caption);

  function show(to) {
    if (to < 0 || to >= images.length) return;
    index = to;
    const { media, sender_id: senderId, created_at: createdAt } = images[index];
    img.alt = media.name || t('image');
    img.dataset.mediaId = media.id;
    delete img.dataset.loaded;
    img.src = cache.ready(mediaPath(media.id)) ?? cache.ready(mediaPath(media.id, true)) ?? media.preview ?? '';
    if (media.width && media.height) img.style.aspectRatio = `${media.width}/${media.height}`;
    cache.load(mediaPath(media.id)).then((url) => {
      if (images[index].media.id !== media.id) return;
      img.src = url;
      img.dataset.loaded = 'true';
    }).catch(() => { caption.textContent += ` — ${t('error.generic')}`; });
    caption.textContent = [
      media.name, `${users.name(senderId)}, ${formatDate(createdAt)}`,
      images.length > 1 ? t('image_position', { index: index + 1, count: images.length }) : '',
    ].filter(Boolean).join(' · ');
    prev.disabled = index === 0;
    next.disabled = index === images.length - 1;
  }

  function onKeydown(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowLeft') show(index - 1);
    else if (event.key === 'ArrowRight') show(index + 1);
    else if (event.key === 'Tab') {
      const buttons = [closeButton, prev, next].filter((b) => !b.disabled);
      const at = buttons.indexOf(document.activeElement);
      event.preventDefault();
      buttons[(at + (event.shiftKey ? -1 : 1) + buttons.length) % buttons.length].focus();
    }
  }

  function close() {
    if (!dialog.isConnected) return;
    dialog.remove();
    app.inert = false;
    // The chat may have re-rendered meanwhile: then the same image's new button takes focus.
    const back = returnFocus?.isConnected ? returnFocus : document.querySelector(`.media-image img[data-media-id="${CSS.escape(openedId)}"]`)?.parentElement;
    back?.focus();
  }

  app.inert = true;
  document.body.append(dialog);
  show(index);
  closeButton.focus();
  return close;
}
