// users: a cache of public profiles, by id and by username, persisted in localStorage.
// name(id) answers what is known and, the first time this page asks for an id, starts one
// `GET /api/v1/users/id/{id}` (at most one per id per page load, so names and pictures of
// people who are not friends, who get no `profile` frames, are fresh after a reload; a failed
// one is not retried until reload); "user #ID" shows until a never-seen id answers. remember(user) stores a profile (from a lookup,
// a login, `welcome`, a `profile` frame or a friend object); subscribe(listener) is told after
// every change, so screens re-render with the new names. A deleted account reads "Deleted user"
// in the interface language.
import { t } from './i18n.js';

const STORAGE_KEY = 'parley.users';
const FIELDS = ['id', 'username', 'display_name', 'avatar', 'status_line'];

export function createUserCache(api) {
  const byId = new Map();
  const requested = new Set();
  const listeners = new Set();
  try {
    for (const user of JSON.parse(localStorage.getItem(STORAGE_KEY)) ?? []) byId.set(user.id, user);
  } catch { /* a corrupt cache is just empty */ }

  function remember(user) {
    if (!user || typeof user.id !== 'number') return user;
    byId.set(user.id, Object.fromEntries(FIELDS.map((field) => [field, user[field] ?? ''])));
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...byId.values()]));
    for (const listener of listeners) listener(user.id);
    return user;
  }

  function fetchById(id) {
    if (requested.has(id) || typeof id !== 'number') return;
    requested.add(id);
    api.userById(id).then(({ user }) => remember(user)).catch(() => {});
  }

  return {
    remember,
    get: (id) => byId.get(id),
    name(id) {
      const user = byId.get(id);
      fetchById(id);
      if (!user) return t('user_fallback', { id });
      // A deleted account is renamed "~deleted-<id>" (docs/protocol.md, "Deleting the account").
      if (user.username.startsWith('~deleted-')) return t('deleted_user');
      return user.display_name || user.username;
    },
    async lookup(username) {
      const { user } = await api.userByName(username);
      return remember(user);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
