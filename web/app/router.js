// router: client-side paths with the History API (parleyd answers every such path with
// index.html). match(path) maps a path (with an optional ?query) to {name, id, query}, query
// a URLSearchParams; navigate() pushes (or replaces) a path and calls onRoute; the back
// button calls it too.
// openOverlay(onClose): a layer over the current screen (the group info sheet) gets a history
// entry of its own at the same path, so the browser's Back closes it (onClose) instead of
// leaving the screen; closeOverlay(onClose) closes it the same way, through history.back().
// At most one overlay; navigating away forgets it (its entry then routes like any other).
const ROUTES = [
  ['login', /^\/login$/],
  ['register', /^\/register$/],
  ['forgot_password', /^\/forgot-password$/],
  ['reset_password', /^\/reset-password$/],
  ['verify_email', /^\/verify-email$/],
  ['settings', /^\/settings$/],
  ['admin', /^\/admin$/],
  ['friends', /^\/friends$/],
  ['moments', /^\/moments(?:\/user\/(\d+))?$/],
  ['stickers', /^\/sticker-packs$/],
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
  let overlay = null; // the open overlay's onClose
  window.addEventListener('popstate', () => {
    if (overlay) {
      const close = overlay;
      overlay = null;
      close();
      return;
    }
    onRoute(match(location.pathname + location.search));
  });
  return {
    current: () => match(location.pathname + location.search),
    navigate(path, { replace = false } = {}) {
      overlay = null;
      if (path !== location.pathname + location.search) history[replace ? 'replaceState' : 'pushState'](null, '', path);
      onRoute(match(path));
    },
    openOverlay(onClose) {
      overlay = onClose;
      history.pushState({ overlay: true }, '', location.pathname + location.search);
    },
    closeOverlay(onClose) {
      if (overlay === onClose) history.back();
      else onClose();
    },
  };
}
