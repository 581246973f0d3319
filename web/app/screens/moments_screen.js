// moments_screen: Moments (朋友圈), the friends-only feed (docs/protocol.md, "Moments"). At
// /moments my feed, with a composer: text, up to 9 photos or one video (picked, uploaded at once
// through the resumable upload path, uploads.js; each removable), an optional place and the audience
// (all friends, only some, all but some: a checklist of friends). At /moments/user/{id} one
// person's moments (mine: my own page). Each moment shows its author (a link to their page),
// text, photos (thumbnails; a click opens the full picture) or its video (poster, duration and
// player, video_view.js through media_view.js), place and time; a like button,
// the likes and the comments the server lets me see, each comment with Reply, and Delete when
// it is mine or on my moment; a comment form (replying names whom). The author deletes a
// moment after confirming. "Load more" fetches the next page. Opening the screen clears the
// "new moments" dot (moments_activity); a new moment or a like or comment on mine while it is
// open refreshes the list. Errors show their code's sentence, never the code.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatStamp } from '../format.js';
import { t } from '../i18n.js';
import { mediaPath } from '../media_cache.js';
import { createUploads } from '../uploads.js';
import { avatar } from '../components/avatar.js';
import { createMediaViews } from '../components/media_view.js';
import { confirmStep } from '../components/confirm_step.js';

const MAX_PHOTOS = 9;
const VIDEO_TYPES = ['video/webm', 'video/mp4', 'video/quicktime'];
const isVideo = (file) => VIDEO_TYPES.includes(file.type) || /\.(webm|mp4|m4v|mov)$/i.test(file.name);

export function mountMomentsScreen(container, { api, users, media, social, moments: activity, session, navigate, authorId }) {
  const me = session.user.id;
  const alert = h('p', { className: 'form-error', role: 'alert' });
  const list = h('ul', { className: 'moments-list', 'aria-labelledby': 'moments-title' });
  const more = h('button', { type: 'button', className: 'load-more', hidden: true, onClick: () => load(false) }, t('load_more'));
  let items = [];
  let next = null;
  let replying = null; // {momentId, comment} while a reply is being written
  let gone = false;

  async function act(action) {
    alert.textContent = '';
    try {
      await action();
    } catch (error) {
      alert.textContent = errorText(error, 'moments');
    }
  }

  async function load(fresh) {
    await act(async () => {
      const page = await api.moments(authorId, fresh ? null : next);
      if (gone) return;
      items = fresh ? page.moments : [...items, ...page.moments];
      next = page.next ?? null;
      render();
    });
  }

  const composer = authorId ? null : createComposer({ api, social, users, onPosted: () => load(true), act });

  const videos = createMediaViews({ cache: media, onOpenImage: () => {} }); // players kept across renders

  function photo(item) {
    const img = h('img', { alt: t('moment_photo'), loading: 'lazy' });
    const url = media.ready(mediaPath(item.id, true));
    if (url) img.src = url;
    else media.load(mediaPath(item.id, true)).then((loaded) => { img.src = loaded; }, () => {});
    const open = () => media.load(mediaPath(item.id)).then((full) => window.open(full, '_blank', 'noopener'), () => {});
    return h('li', {}, h('button', { type: 'button', className: 'moment-photo', 'aria-label': t('moment_open_photo'), onClick: open }, img));
  }

  function commentItem(moment, comment) {
    const mine = comment.user_id === me || moment.author_id === me;
    const who = comment.reply_to_user_id
      ? t('moment_replied', { name: users.name(comment.user_id), to: users.name(comment.reply_to_user_id) })
      : users.name(comment.user_id);
    return h('li', { className: 'moment-comment', 'data-comment-id': comment.id },
      h('span', { className: 'comment-who' }, who), ' ', h('span', { className: 'comment-text' }, comment.text),
      h('span', { className: 'comment-actions' },
        comment.user_id !== me && h('button', { type: 'button', className: 'link-button', onClick: () => { replying = { momentId: moment.id, comment }; render(); } }, t('reply')),
        mine && h('button', { type: 'button', className: 'link-button', onClick: () => act(async () => { await api.deleteMomentComment(moment.id, comment.id); await load(true); }) }, t('delete'))));
  }

  function commentForm(moment) {
    const reply = replying?.momentId === moment.id ? replying.comment : null;
    const label = reply ? t('moment_reply_to', { name: users.name(reply.user_id) }) : t('moment_comment');
    const input = h('input', { className: 'comment-input', maxlength: 1000, placeholder: label, 'aria-label': label });
    const submit = (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      act(async () => {
        await api.commentMoment(moment.id, text, reply?.id);
        replying = null;
        await load(true);
      });
    };
    return h('form', { className: 'comment-form', onSubmit: submit }, input,
      h('button', { type: 'submit' }, t('send')),
      reply && h('button', { type: 'button', className: 'link-button', onClick: () => { replying = null; render(); } }, t('cancel')));
  }

  function momentItem(moment) {
    const author = users.get(moment.author_id);
    const liked = moment.likes.some((like) => like.user_id === me);
    const authorName = users.name(moment.author_id);
    return h('li', { className: 'moment', 'data-moment-id': moment.id },
      h('a', { href: `/moments/user/${moment.author_id}`, className: 'moment-author', onClick: (event) => { event.preventDefault(); navigate(`/moments/user/${moment.author_id}`); } },
        avatar(authorName, moment.author_id, '', { cache: media, id: author?.avatar }), h('span', { className: 'person-name' }, authorName)),
      moment.text && h('p', { className: 'moment-text' }, moment.text),
      moment.media[0]?.kind === 'video' && h('div', { className: 'moment-video' }, videos.render(moment.media[0])),
      moment.media.length > 0 && moment.media[0].kind !== 'video' && h('ul', { className: 'moment-photos', 'data-count': moment.media.length }, moment.media.map(photo)),
      h('p', { className: 'muted moment-meta' }, [moment.location, formatStamp(moment.created_at)].filter(Boolean).join(' · ')),
      h('div', { className: 'moment-actions' },
        h('button', { type: 'button', className: liked ? 'like liked' : 'like', 'aria-pressed': String(liked),
          onClick: () => act(async () => { await api.likeMoment(moment.id, !liked); await load(true); }) }, liked ? `♥ ${t('unlike')}` : `♡ ${t('like')}`),
        moment.author_id === me && confirmStep({ label: t('delete'), question: t('moment_confirm_delete'), className: 'danger',
          onConfirm: () => act(async () => { await api.deleteMoment(moment.id); await load(true); }) })),
      moment.likes.length > 0 && h('p', { className: 'moment-likes' }, `♥ ${moment.likes.map((like) => users.name(like.user_id)).join(', ')}`),
      moment.comments.length > 0 && h('ul', { className: 'moment-comments' }, moment.comments.map((comment) => commentItem(moment, comment))),
      commentForm(moment));
  }

  function render() {
    list.replaceChildren(...(items.length ? items.map(momentItem) : [h('li', { className: 'empty' }, t('no_moments'))]));
    more.hidden = !next;
  }

  const title = authorId ? t('moments_of', { name: users.name(authorId) }) : t('moments');
  container.replaceChildren(h('section', { className: 'settings moments-screen', 'aria-labelledby': 'moments-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: authorId ? '/moments' : '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate(authorId ? '/moments' : '/'); } }, '←'),
      h('h2', { id: 'moments-title' }, title),
      !authorId && h('a', { href: `/moments/user/${me}`, className: 'my-moments', onClick: (event) => { event.preventDefault(); navigate(`/moments/user/${me}`); } }, t('my_moments'))),
    h('div', { className: 'settings-body' }, composer?.element, alert, list, more)));
  activity.seen();
  load(true);
  const unsubscribers = [
    users.subscribe(render),
    activity.subscribe((frame) => { if (frame) { activity.seen(); load(true); } }),
  ];
  return () => {
    gone = true;
    composer?.stop();
    videos.dispose();
    unsubscribers.forEach((unsubscribe) => unsubscribe());
  };
}

// The composer: text, photos or one video uploaded as they are picked, place and audience.
function createComposer({ api, social, users, onPosted, act }) {
  let photos = []; // {key, url, media, video} in the order picked; one video is alone
  const uploads = createUploads({
    api,
    onDone: (item, mediaObject) => {
      photos = photos.map((p) => (p.key === item.key ? { ...p, media: mediaObject } : p));
      render();
    },
  });
  const text = h('textarea', { id: 'moment-text', maxlength: 4000, rows: 3, placeholder: t('moment_placeholder'), 'aria-label': t('moment_placeholder') });
  const place = h('input', { id: 'moment-location', maxlength: 200, placeholder: t('moment_location'), 'aria-label': t('moment_location') });
  const picker = h('input', { id: 'moment-photos', type: 'file', accept: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', ...VIDEO_TYPES].join(','), multiple: true, className: 'visually-hidden', onChange: pick });
  const pickLabel = h('label', { for: 'moment-photos', className: 'button-like' }, t('add_photos'));
  const pickStatus = h('p', { className: 'form-status', role: 'status' });
  const mode = h('select', { id: 'moment-audience', 'aria-label': t('moment_audience'), onChange: () => render() },
    h('option', { value: 'friends' }, t('audience_friends')),
    h('option', { value: 'only' }, t('audience_only')),
    h('option', { value: 'except' }, t('audience_except')));
  const chosen = new Set();
  const people = h('fieldset', { className: 'audience-people', hidden: true });
  const thumbs = h('ul', { className: 'composer-photos' });
  const post = h('button', { type: 'submit', className: 'primary' }, t('post'));
  const unsubscribe = uploads.subscribe(() => render());

  function pick() {
    const files = [...picker.files];
    picker.value = '';
    const video = files.some(isVideo);
    pickStatus.textContent = video && (files.length > 1 || photos.length) ? t('moment_one_video') : '';
    if (pickStatus.textContent) return;
    for (const file of files.slice(0, MAX_PHOTOS - photos.length)) {
      const item = uploads.add({ file, kind: video ? 'video' : 'image', target: { moment: true } });
      photos.push({ key: item.key, url: video ? null : URL.createObjectURL(file), media: null, item, video });
    }
    render();
  }

  function removePhoto(key) {
    const photo = photos.find((p) => p.key === key);
    if (!photo.media) uploads.cancel(key);
    if (photo.url) URL.revokeObjectURL(photo.url);
    photos = photos.filter((p) => p.key !== key);
    render();
  }

  function render() {
    thumbs.replaceChildren(...photos.map((p) => h('li', { className: p.item.state.phase === 'failed' ? 'failed' : '' },
      p.video
        ? h('span', { className: 'composer-video' }, h('span', { 'aria-hidden': 'true' }, '🎬'), p.media ? t('moment_video') : t('moment_video_uploading'))
        : h('img', { src: p.url, alt: p.media ? t('moment_photo') : t('moment_photo_uploading') }),
      h('button', { type: 'button', className: 'remove-photo', 'aria-label': t(p.video ? 'remove_video' : 'remove_photo'), title: t(p.video ? 'remove_video' : 'remove_photo'), onClick: () => removePhoto(p.key) }, '✕'))));
    pickLabel.hidden = photos.length >= MAX_PHOTOS || photos.some((p) => p.video);
    picker.hidden = pickLabel.hidden;
    const pending = photos.some((p) => !p.media);
    post.disabled = pending;
    people.hidden = mode.value === 'friends';
    if (!people.hidden) {
      people.replaceChildren(h('legend', {}, t(mode.value === 'only' ? 'audience_only_who' : 'audience_except_who')),
        ...social.friends().map((f) => h('label', { className: 'check' },
          h('input', { type: 'checkbox', checked: chosen.has(f.user_id), onChange: (event) => { if (event.target.checked) chosen.add(f.user_id); else chosen.delete(f.user_id); } }),
          users.name(f.user_id))));
    }
  }

  function submit(event) {
    event.preventDefault();
    act(async () => {
      const audience = mode.value === 'friends' ? { mode: 'friends' } : { mode: mode.value, users: [...chosen] };
      await api.postMoment({ text: text.value.trim(), location: place.value.trim(), media: photos.map((p) => p.media.id), audience });
      photos.forEach((p) => { if (p.url) URL.revokeObjectURL(p.url); });
      photos = [];
      text.value = '';
      place.value = '';
      render();
      onPosted();
    });
  }

  const element = h('form', { className: 'moment-composer stack', onSubmit: submit },
    text, thumbs, h('div', { className: 'composer-row' }, picker, pickLabel, place, mode), pickStatus, people, post);
  render();
  return { element, stop: unsubscribe };
}
