// stickers_screen: the sticker pack manager (docs/protocol.md, "Sticker packs"). At /sticker-packs
// my shelf: the built-in pack, then my collection, each pack with its stickers. A form creates
// a pack. On a pack of mine: "Add from file" (an image picked, uploaded through the resumable
// upload path, uploads.js, then added with the keywords typed beside it), ✕ on each sticker
// removes it, ‹ and › move it earlier or later, "Share" shows the pack's link
// (/sticker-packs?pack=<slug>, selectable, with a copy button) and Delete removes the pack after
// confirming (confirm_step.js). On a collected pack, "Remove from my collection". ↑ and ↓ move a
// pack of my collection up or down (the built-in pack stays first). At
// /sticker-packs?pack=<slug> (a shared link) that pack comes first, with "Add to my collection"
// when it is not in mine yet. Errors show their code's sentence, never the code.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';
import { createUploads } from '../uploads.js';
import { confirmStep } from '../components/confirm_step.js';
import { stickerImage } from '../components/sticker_view.js';

export function mountStickersScreen(container, { api, media, navigate, slug }) {
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const status = h('p', { className: 'sticker-status', role: 'status' });
  const list = h('div', { className: 'sticker-packs' });
  const name = h('input', { id: 'sticker-pack-name', maxlength: 64, placeholder: t('stickers_pack_name'), 'aria-label': t('stickers_pack_name'), required: true });
  const create = h('form', { className: 'sticker-create', onSubmit: (event) => { event.preventDefault(); act(createPack); } },
    name, h('button', { type: 'submit', className: 'primary' }, t('stickers_create')));
  let shelf = { packs: [], recent: [] };
  let shared = null; // the pack of a shared link, when it is not in my shelf
  let sharing = ''; // the slug whose link shows
  let gone = false;
  const waiting = new Map(); // upload key -> resolve(media object)
  const uploads = createUploads({
    api,
    onDone: (item, mediaObject) => { waiting.get(item.key)?.(mediaObject); waiting.delete(item.key); },
  });

  async function act(action) {
    alert.textContent = '';
    try {
      await action();
    } catch (error) {
      alert.textContent = errorText(error, 'stickers');
    }
  }

  async function load() {
    shelf = await api.stickerShelf();
    shared = null;
    if (slug && !shelf.packs.some((p) => p.slug === slug)) shared = (await api.stickerPack(slug)).pack;
    if (!gone) render();
  }

  async function createPack() {
    const { pack } = await api.createStickerPack(name.value.trim());
    name.value = '';
    sharing = pack.slug;
    await load();
  }

  // Uploads the picked image, then adds it to the pack: resolved once added.
  function uploaded(file) {
    return new Promise((resolve, reject) => {
      const item = uploads.add({ file, kind: 'image', target: { sticker: true } });
      waiting.set(item.key, resolve);
      const stop = uploads.subscribe(() => {
        if (item.state.phase !== 'failed') return;
        stop();
        waiting.delete(item.key);
        uploads.dismiss(item.key);
        reject(Object.assign(new Error('upload failed'), { code: item.state.error }));
      });
    });
  }

  function addFromFile(pack, file, keywords) {
    status.textContent = t('stickers_uploading');
    return act(async () => {
      try {
        const mediaObject = await uploaded(file);
        await api.addSticker(pack.slug, mediaObject.id, keywords);
        status.textContent = t('stickers_added');
        await load();
      } catch (error) {
        status.textContent = '';
        throw error;
      }
    });
  }

  // `list` with its item at `index` moved by `step` (-1 or 1); null when that leaves the list.
  function moved(list, index, step) {
    const to = index + step;
    if (to < 0 || to >= list.length) return null;
    const copy = [...list];
    [copy[index], copy[to]] = [copy[to], copy[index]];
    return copy;
  }

  function moveSticker(pack, index, step) {
    const order = moved(pack.stickers.map((sticker) => sticker.id), index, step);
    return act(async () => { await api.reorderStickers(pack.slug, order); await load(); });
  }

  // The collection is every pack of the shelf but the built-in one, in the shelf's order.
  const collection = () => shelf.packs.filter((pack) => !pack.builtin).map((pack) => pack.slug);

  function movePack(pack, step) {
    const order = moved(collection(), collection().indexOf(pack.slug), step);
    return act(async () => { await api.reorderStickerCollection(order); await load(); });
  }

  function moveButton(className, label, text, disabled, onClick) {
    return h('button', { type: 'button', className: `icon-button ${className}`, 'aria-label': label, title: label, disabled, onClick }, text);
  }

  function shareLink(pack) {
    return `${location.origin}/sticker-packs?pack=${encodeURIComponent(pack.slug)}`;
  }

  function packView(pack, { inShelf }) {
    const mine = pack.mine;
    const header = h('div', { className: 'sticker-pack-header' },
      h('h3', {}, pack.builtin ? t('stickers_builtin') : pack.name),
      mine && h('span', { className: 'sticker-mine' }, t('stickers_mine')));
    const grid = h('ul', { className: 'sticker-pack-grid' }, pack.stickers.map((sticker, index) => h('li', { className: 'sticker-cell' },
      stickerImage(sticker, media),
      h('span', { className: 'sticker-keywords' }, sticker.keywords),
      mine && pack.stickers.length > 1 && h('span', { className: 'sticker-move' },
        moveButton('sticker-earlier', t('stickers_move_earlier', { keywords: sticker.keywords }), '‹', index === 0, () => moveSticker(pack, index, -1)),
        moveButton('sticker-later', t('stickers_move_later', { keywords: sticker.keywords }), '›', index === pack.stickers.length - 1, () => moveSticker(pack, index, 1))),
      mine && h('button', {
        type: 'button', className: 'icon-button sticker-remove', 'aria-label': t('stickers_remove', { keywords: sticker.keywords }), title: t('stickers_remove', { keywords: sticker.keywords }),
        onClick: () => act(async () => { await api.removeSticker(pack.slug, sticker.id); await load(); }),
      }, '✕'))));
    const actions = h('div', { className: 'sticker-pack-actions' });
    const position = inShelf && !pack.builtin ? collection().indexOf(pack.slug) : -1;
    if (position >= 0 && collection().length > 1) {
      const packName = pack.name;
      header.append(h('span', { className: 'sticker-pack-move' },
        moveButton('sticker-pack-up', t('stickers_pack_up', { name: packName }), '↑', position === 0, () => movePack(pack, -1)),
        moveButton('sticker-pack-down', t('stickers_pack_down', { name: packName }), '↓', position === collection().length - 1, () => movePack(pack, 1))));
    }
    if (mine) {
      const keywords = h('input', { className: 'sticker-keywords-input', maxlength: 64, placeholder: t('stickers_keywords'), 'aria-label': t('stickers_keywords') });
      const file = h('input', {
        type: 'file', accept: 'image/png,image/webp,image/gif', className: 'visually-hidden', id: `sticker-file-${pack.slug}`,
        onChange: () => {
          const picked = file.files[0];
          file.value = '';
          if (!picked) return;
          if (!keywords.value.trim()) { alert.textContent = t('stickers_keywords_first'); return; }
          addFromFile(pack, picked, keywords.value.trim());
        },
      });
      actions.append(keywords, file,
        h('label', { for: file.id, className: 'button-like sticker-add' }, t('stickers_add_file')),
        h('button', { type: 'button', className: 'sticker-share', onClick: () => { sharing = sharing === pack.slug ? '' : pack.slug; render(); } }, t('stickers_share')),
        confirmStep({
          label: t('stickers_delete'), question: t('stickers_delete_confirm', { name: pack.name }), className: 'danger sticker-delete',
          onConfirm: () => act(async () => { await api.deleteStickerPack(pack.slug); await load(); }),
        }));
    } else if (!pack.builtin && inShelf) {
      actions.append(h('button', { type: 'button', className: 'sticker-drop', onClick: () => act(async () => { await api.collectStickerPack(pack.slug, false); await load(); }) }, t('stickers_drop')));
    } else if (!pack.builtin) {
      actions.append(h('button', { type: 'button', className: 'primary sticker-collect', onClick: () => act(async () => { await api.collectStickerPack(pack.slug, true); await load(); }) }, t('stickers_collect')));
    }
    const link = sharing === pack.slug && mine && h('div', { className: 'sticker-share-box' },
      h('label', { for: `sticker-link-${pack.slug}` }, t('stickers_share_hint')),
      h('input', { id: `sticker-link-${pack.slug}`, className: 'sticker-link', readOnly: true, value: shareLink(pack), onFocus: (event) => event.target.select() }),
      h('button', { type: 'button', onClick: () => act(async () => { await navigator.clipboard.writeText(shareLink(pack)); status.textContent = t('stickers_copied'); }) }, t('stickers_copy')));
    return h('section', { className: 'sticker-pack', 'data-slug': pack.slug },
      header, pack.stickers.length ? grid : h('p', { className: 'sticker-note' }, t('stickers_empty_pack')), actions, link);
  }

  function render() {
    const packs = shelf.packs.map((pack) => packView(pack, { inShelf: true }));
    list.replaceChildren(...(shared ? [packView(shared, { inShelf: false })] : []), ...packs);
  }

  container.replaceChildren(h('section', { className: 'settings stickers-screen', 'aria-labelledby': 'stickers-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'), onClick: (event) => { event.preventDefault(); navigate('/'); } }, '←'),
      h('h2', { id: 'stickers-title' }, t('stickers_title'))),
    h('div', { className: 'settings-body' }, h('p', { className: 'sticker-intro' }, t('stickers_intro')), create, alert, status, list)));
  act(load);
  return () => { gone = true; };
}
