// sticker_view: the picture of one sticker, for the picker, the pack manager and sticker
// messages (docs/protocol.md, "Sticker packs"). stickerImage({id, media, keywords}, cache)
// returns an <img>: a built-in sticker (no media) is the static file /stickers/<id>.png; any
// other is its media, fetched with the Bearer header through the media cache (media_cache.js),
// so the <img> gets its object URL once loaded. The keywords are its alternative text.
import { h } from '../dom.js';
import { mediaPath } from '../media_cache.js';

export function stickerImage(sticker, cache, className = 'sticker-image') {
  const image = h('img', { className, alt: sticker.keywords ?? '', loading: 'lazy', decoding: 'async', width: 128, height: 128 });
  if (!sticker.media) {
    image.src = `/stickers/${Number(sticker.id)}.png`;
    return image;
  }
  const path = mediaPath(sticker.media.id);
  const ready = cache.ready(path);
  if (ready) image.src = ready;
  else cache.load(path).then((url) => { image.src = url; }, () => { image.alt = sticker.keywords ?? ''; });
  return image;
}
