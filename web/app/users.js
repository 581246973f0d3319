// users: a small cache of user objects, by id and by username, persisted in localStorage.
// The protocol looks users up by name only (GET /api/v1/users/{username}); conversation lists
// carry ids. name(id) answers what is known ("user #ID" until a lookup by name, a login or a
// `welcome` has taught the cache); when the server offers a lookup by id, name() is the one
// place to start it.
import { t } from './i18n.js';

const STORAGE_KEY = 'parley.users';

export function createUserCache(api) {
  const byId = new Map();
  try {
    for (const user of JSON.parse(localStorage.getItem(STORAGE_KEY)) ?? []) byId.set(user.id, user);
  } catch { /* a corrupt cache is just empty */ }

  function remember(user) {
    if (!user || typeof user.id !== 'number') return user;
    byId.set(user.id, { id: user.id, username: user.username, display_name: user.display_name });
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...byId.values()]));
    return user;
  }

  return {
    remember,
    get: (id) => byId.get(id),
    name(id) {
      const user = byId.get(id);
      return user ? user.display_name || user.username : t('user_fallback', { id });
    },
    async lookup(username) {
      const { user } = await api.userByName(username);
      return remember(user);
    },
  };
}
