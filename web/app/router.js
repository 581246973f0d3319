// router: client-side paths with the History API (parleyd answers every such path with
// index.html). match(path) maps a path (with an optional ?query) to {name, id, query}, query
// a URLSearchParams; navigate() pushes (or replaces) a path and calls onRoute; the back
// button calls it too.
const ROUTES = [
  ['login', /^\/login$/],
  ['register', /^\/register$/],
  ['settings', /^\/settings$/],
  ['friends', /^\/friends$/],
  ['new_group', /^\/new-group$/],
  ['chat', /^\/chat\/(\d+)$/],
  ['draft', /^\/new\/(\d+)$/],
  ['search', /^\/search$/],
  ['home', /^\/$/],
];

export function match(path) {
  const [pathname, search = ''] = path.split('?');
  const query = new URLSearchParams(search);
  for (const [name, pattern] of ROUTES) {
    const found = pattern.exec(pathname);
    if (found) return { name, id: found[1] ? Number(found[1]) : undefined, query };
  }
  return { name: 'home', query };
}

export function createRouter(onRoute) {
  window.addEventListener('popstate', () => onRoute(match(location.pathname + location.search)));
  return {
    current: () => match(location.pathname + location.search),
    navigate(path, { replace = false } = {}) {
      if (path !== location.pathname + location.search) history[replace ? 'replaceState' : 'pushState'](null, '', path);
      onRoute(match(path));
    },
  };
}
