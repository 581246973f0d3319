// media_cache: object URLs of media fetched with the Bearer header (api.mediaBlob), by API path
// (`/media/{id}`, `/media/{id}/thumbnail`), so a re-rendered chat shows a loaded picture at once
// and each is fetched once while the page lives. At most `limit` URLs are kept; the least
// recently used is revoked (a shown <img> keeps its decoded picture). download(path, name)
// saves a file under its name through a temporary link.
export function mediaPath(id, thumbnail = false) {
  return `/media/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`;
}

export function createMediaCache(api, { limit = 200 } = {}) {
  const entries = new Map(); // path -> {promise, url}

  function touch(path, entry) {
    entries.delete(path);
    entries.set(path, entry);
    while (entries.size > limit) {
      const [oldest, { url }] = entries.entries().next().value;
      entries.delete(oldest);
      if (url) URL.revokeObjectURL(url);
    }
  }

  return {
    ready: (path) => entries.get(path)?.url,
    load(path) {
      const existing = entries.get(path);
      if (existing) {
        touch(path, existing);
        return existing.promise;
      }
      const entry = { url: null, promise: null };
      entry.promise = api.mediaBlob(path).then((blob) => {
        entry.url = URL.createObjectURL(blob);
        return entry.url;
      }, (error) => {
        entries.delete(path); // a later render may try again
        throw error;
      });
      touch(path, entry);
      return entry.promise;
    },
    async download(path, name) {
      const url = URL.createObjectURL(await api.mediaBlob(path));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    },
  };
}
