// main: starts the app and wires the modules; the only place that owns long-lived objects.
//
// Logged out: the auth screen. Logged in: a shell with the conversation list pane, the main pane
// (chat, draft chat, friends, new group or settings), the connection banner and a polite live
// region that announces new messages. The session, outbox, drafts and user cache persist in
// localStorage, so a reload resumes where it was; so does the conversation list (saved_list.js),
// which with the service worker's offline shell (offline_shell.js, web/sw.js) opens the app even
// while the server cannot be reached. Logging out forgets drafts and the saved list; a token
// the server refuses logs the device out. Changing the language re-renders the current screen. My profile (GET /account at start,
// or an edit) updates the session, the user cache and the time zone of every shown time.
// Media are fetched through one cache of object URLs; uploads run in one queue and become
// messages when complete. The chat, friends, new group, search and settings screens are loaded
// on first use (import()), and so are the strings of a language other than English (i18n.js),
// keeping the first load small. While logged in, the title and favicon count unread messages
// (attention.js), and a message from someone else may raise a desktop notification
// (notifications.js: only if turned on in this device's settings) that opens its chat.
// Back from an OpenID Connect provider (oidc_return.js), logged out: `#oidc=TICKET` opens the
// OpenID screen (oidc_screen.js) once, `#oidc-error=REASON` the login screen with its sentence;
// logged in, both are dropped (only the login screen starts such a sign-in).
import { createApi } from './api.js';
import { createAttention } from './attention.js';
import { createChatState } from './chat_state.js';
import { createDrafts } from './drafts.js';
import { h } from './dom.js';
import { createMediaCache } from './media_cache.js';
import { createMomentsActivity } from './moments_activity.js';
import { notify } from './notifications.js';
import { setTimeZone } from './format.js';
import { loadChosenLanguage, onLanguageChange, t } from './i18n.js';
import { registerOfflineShell } from './offline_shell.js';
import { takeOidcReturn } from './oidc_return.js';
import { finishIdentityConfirmation } from './identity_return.js';
import { createOutbox } from './outbox.js';
import { forgetUnsavedLanguage, startLanguage } from './profile_language.js';
import { createRouter } from './router.js';
import { createSavedList } from './saved_list.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { createSocialState } from './social_state.js';
import { createSync } from './sync.js';
import { createTypingState } from './typing_state.js';
import { createUploads } from './uploads.js';
import { createUserCache } from './users.js';
import { createConnectionBanner } from './components/connection_banner.js';
import { conversationTitle, messagePreview } from './components/conversation_title.js';
import { mountAuthScreen } from './screens/auth_screen.js';
import { mountConversationList } from './screens/conversation_list.js';
import { mountOidcScreen } from './screens/oidc_screen.js';
import { mountRecoveryScreen } from './screens/recovery_screen.js';

const root = document.getElementById('app');
let session = loadSession();
const api = createApi(() => session?.token);
const users = createUserCache(api);
const media = createMediaCache(api);
const router = createRouter(show);
let app = null; // {state, outbox, sync, banner, liveRegion} while logged in
let unmountList = () => {};
let unmountMain = () => {};
let oidcReturn = takeOidcReturn(); // used by the first screen shown while logged out

function startApp() {
  const state = createChatState({ myId: session.user.id });
  const savedList = createSavedList(session.user.id, state);
  savedList.restore(); // shown until the server's list comes, or while it cannot be reached
  const social = createSocialState();
  const typing = createTypingState();
  const moments = createMomentsActivity();
  const outbox = createOutbox(session.user.id);
  const drafts = createDrafts(session.user.id);
  const banner = createConnectionBanner({ onRetry: () => app?.sync.retryNow() });
  const liveRegion = h('div', { className: 'visually-hidden', 'aria-live': 'polite', id: 'announcer' });
  const sync = createSync({
    api, state, social, typing, moments, outbox, users, session,
    onStatus: (status, retryAt) => banner.update(status, retryAt),
    onIncoming: (message) => {
      announce(message);
      if (message.kind !== 'event') notifyIncoming(message);
    },
    onAuthFailed: logOut,
  });
  const uploads = createUploads({
    api,
    onDone: (item, mediaObject) => sync.sendMessage({ ...item.target, media: mediaObject, replyTo: item.replyTo }),
  });
  const attention = createAttention(state);
  app = { state, social, typing, moments, outbox, drafts, sync, uploads, banner, liveRegion, attention, savedList, shell: null };
  users.remember(session.user);
  setTimeZone(session.user.time_zone);
  sync.start();
  // The profile's language only at start (unless this device chose one the server has not
  // saved yet): while the app runs, settings decide.
  api.account().then(({ user }) => {
    onProfile(user);
    startLanguage(api, onProfile, user);
  }).catch((error) => { if (error.code === 'unauthenticated') logOut(); });
}

// My profile as the server has it (at start and after an edit): names, and the time zone.
function onProfile(user) {
  if (!session || !Number.isInteger(user?.id)) return;
  session = { ...session, user };
  saveSession(session);
  users.remember(user);
  setTimeZone(user.time_zone);
}

// Where a message comes from, as a person names it: the conversation's title, or its sender
// while the conversation is new to this device (its summary, with the members, comes after).
function sourceOf(message) {
  const conversation = app.state.get(message.conversation_id);
  return app.state.has(message.conversation_id) ? conversationTitle(conversation, users) : users.name(message.sender_id);
}

function announce(message) {
  app.liveRegion.textContent = t('new_message_from', { name: sourceOf(message), text: messagePreview(message, -1, users) });
}

function notifyIncoming(message) {
  const id = message.conversation_id;
  const group = app.state.get(id)?.kind === 'group';
  notify({
    title: sourceOf(message),
    body: messagePreview(message, -1, users, group),
    tag: `conversation-${id}`,
    onClick: () => router.navigate(`/chat/${id}`),
  });
}

function logOut() {
  app?.sync.stop();
  app?.attention.stop();
  app?.drafts.clear(); // unsent words stay on no shared computer
  app?.savedList.stop();
  app?.savedList.clear(); // nor the list of chats with their last messages
  forgetUnsavedLanguage();
  app = null;
  session = null;
  clearSession();
  router.navigate('/login', { replace: true });
}

function onLoggedIn(newSession) {
  session = newSession;
  saveSession(session);
  users.remember(session.user);
  startApp();
  router.navigate('/', { replace: true });
}

async function startChat(username) {
  const user = await users.lookup(username);
  const existing = app.state.findDirectWith(user.id);
  router.navigate(existing ? `/chat/${existing.id}` : `/new/${user.id}`);
}

function clearScreens() {
  unmountList();
  unmountMain();
  unmountList = () => {};
  unmountMain = () => {};
}

// Mounts a screen from a module loaded on demand; the returned unmount works before it loads.
// A module that cannot be loaded says the server cannot be reached. A module loaded before
// mounts at once, in the same task: a draft chat that becomes its conversation's chat keeps the
// keyboard focus in its composer, so nothing typed at that moment lands on the page instead.
const loadedScreens = new Map(); // the mount function's name -> its module
function mountLazy(pane, load, name, props) {
  const loaded = loadedScreens.get(name);
  if (loaded) return loaded[name](pane, props);
  let unmount = null;
  let gone = false;
  pane.replaceChildren(h('p', { className: 'placeholder' }, t('loading')));
  load().then((module) => {
    loadedScreens.set(name, module);
    if (!gone) unmount = module[name](pane, props);
  }, () => {
    // Not loaded yet on this device and the server is out of reach (the offline shell keeps
    // only what was loaded before).
    if (!gone) pane.replaceChildren(h('p', { className: 'placeholder' }, t('error.network')));
  });
  return () => {
    gone = true;
    unmount?.();
  };
}

// Pages reached from a mailed link or the login screen; the same logged in or not.
const RECOVERY_ROUTES = new Set(['forgot_password', 'reset_password', 'verify_email']);

function show(route) {
  clearScreens();
  if (RECOVERY_ROUTES.has(route.name)) {
    unmountMain = mountRecoveryScreen(root, { api, mode: route.name, navigate: router.navigate, loggedIn: Boolean(session) });
    return;
  }
  if (!session) {
    app = null;
    if (oidcReturn?.ticket) {
      const { ticket } = oidcReturn;
      oidcReturn = null;
      unmountMain = mountOidcScreen(root, { api, ticket, onLoggedIn, navigate: router.navigate });
      return;
    }
    if (route.name !== 'register' && route.name !== 'login') {
      router.navigate('/login', { replace: true });
      return;
    }
    const oidcError = oidcReturn?.error ?? null;
    oidcReturn = null;
    unmountMain = mountAuthScreen(root, { api, mode: route.name, onLoggedIn, navigate: router.navigate, oidcError });
    return;
  }
  // Back from the provider while signed in: a proof of identity for Settings, when one was
  // under way (identity_return.js); otherwise the return is not for this session.
  const confirming = finishIdentityConfirmation(api, oidcReturn);
  oidcReturn = null;
  if (confirming) {
    confirming.then(() => router.navigate('/settings', { replace: true }));
  }
  if (route.name === 'login' || route.name === 'register') {
    router.navigate('/', { replace: true });
    return;
  }
  if (!app) startApp();
  const listPane = h('aside', { className: 'list-pane' });
  const mainPane = h('main', { className: 'main-pane' });
  root.replaceChildren(h('div', { className: 'shell', 'data-view': route.name === 'home' ? 'list' : 'detail' },
    app.banner.element, app.liveRegion, listPane, mainPane));
  app.banner.refresh();
  const common = { ...app, api, users, media, session, navigate: router.navigate, openOverlay: router.openOverlay, closeOverlay: router.closeOverlay };
  unmountList = mountConversationList(listPane, { ...common, currentId: () => (route.name === 'chat' ? route.id : null), startChat });
  const at = Number(route.query.get('at')) || null;
  const loadChat = () => import('./screens/chat_view.js');
  if (route.name === 'chat') unmountMain = mountLazy(mainPane, loadChat, 'mountChatView', { ...common, conversationId: route.id, focusSeq: at });
  else if (route.name === 'draft') unmountMain = mountLazy(mainPane, loadChat, 'mountChatView', { ...common, recipientId: route.id });
  else if (route.name === 'moments') unmountMain = mountLazy(mainPane, () => import('./screens/moments_screen.js'), 'mountMomentsScreen', { ...common, authorId: route.id ?? null });
  else if (route.name === 'stickers') unmountMain = mountLazy(mainPane, () => import('./screens/stickers_screen.js'), 'mountStickersScreen', { ...common, slug: route.query.get('pack') ?? '' });
  else if (route.name === 'friends') unmountMain = mountLazy(mainPane, () => import('./screens/friends_screen.js'), 'mountFriendsScreen', common);
  else if (route.name === 'new_group') unmountMain = mountLazy(mainPane, () => import('./screens/new_group_screen.js'), 'mountNewGroupScreen', common);
  else if (route.name === 'search') unmountMain = mountLazy(mainPane, () => import('./screens/search_screen.js'), 'mountSearchScreen', { ...common, scopeId: Number(route.query.get('in')) || null, query: route.query.get('q') ?? '' });
  else if (route.name === 'admin') unmountMain = mountLazy(mainPane, () => import('./screens/admin_screen.js'), 'mountAdminScreen', common);
  else if (route.name === 'settings') unmountMain = mountLazy(mainPane, () => import('./screens/settings_screen.js'), 'mountSettingsScreen', { ...common, onLoggedOut: logOut, onProfile });
  else mainPane.replaceChildren(h('p', { className: 'placeholder' }, t('select_conversation')));
  app.attention.refresh();
}

await loadChosenLanguage();  // the first screen is drawn in its language
onLanguageChange(() => show(router.current()));
show(router.current());
registerOfflineShell();
