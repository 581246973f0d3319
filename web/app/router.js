// router: client-side paths with the History API (parleyd answers every such path with
// index.html). match(path) maps a path to {name, params}; navigate() pushes (or replaces) a
// path and calls onRoute; the back button calls it too.
const ROUTES = [
  ['login', /^\/login$/],
  ['register', /^\/register$/],
  ['settings', /^\/settings$/],
  ['friends', /^\/friends$/],
  ['new_group', /^\/new-group$/],
  ['chat', /^\/chat\/(\d+)$/],
  ['draft', /^\/new\/(\d+)$/],
  ['home', /^\/$/],
];

export function match(path) {
  for (const [name, pattern] of ROUTES) {
    const found = pattern.exec(path);
    if (found) return { name, id: found[1] ? Number(found[1]) : undefined };
  }
  return { name: 'home' };
}

export function createRouter(onRoute) {
  window.addEventListener('popstate', () => onRoute(match(location.pathname)));
  return {
    current: () => match(location.pathname),
    navigate(path, { replace = false } = {}) {
      if (path !== location.pathname) history[replace ? 'replaceState' : 'pushState'](null, '', path);
      onRoute(match(path));
    },
  };
}
