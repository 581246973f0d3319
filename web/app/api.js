// api: the HTTP half of the protocol (docs/protocol.md), one function per endpoint used.
// Every call resolves with the parsed body (or null for 204) or rejects with an ApiError
// carrying the protocol's error `code` (and, for an upload's `conflict`, the `received` the
// server has). createApi(getToken) reads the current token per call.
// - putChunk() sends one chunk of a resumable upload with XMLHttpRequest, the one browser API
//   that reports upload progress (onProgress(bytesSent)); an AbortSignal cancels it.
// - mediaBlob(path) fetches media (`/media/{id}`, `/media/{id}/thumbnail`) with the Bearer
//   header, which <img src> cannot send; the HTTP cache still applies (ETag, immutable).
export class ApiError extends Error {
  constructor(status, code, message, body = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    const received = body.received ?? body.error?.received;
    if (typeof received === 'number') this.received = received;
  }
}

function errorFrom(status, data) {
  return new ApiError(status, data.error?.code ?? 'internal', data.error?.message, data);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

export function createApi(getToken) {
  async function call(method, path, body) {
    const headers = {};
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'network unreachable');
    }
    if (response.status === 204) return null;
    // A body cut short (the page left while it arrived) is no answer: never an empty success.
    const data = await response.json().catch(() => null);
    if (!response.ok) throw errorFrom(response.status, data ?? {});
    if (data === null) throw new ApiError(0, 'network', 'the answer was cut short');
    return data;
  }

  function putChunk(uploadId, blob, start, total, { onProgress = () => {}, signal } = {}) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/api/v1/uploads/${encodeURIComponent(uploadId)}`);
      const token = getToken();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Content-Range', `bytes ${start}-${start + blob.size - 1}/${total}`);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        const data = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(errorFrom(xhr.status, data));
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'network unreachable'));
      xhr.onabort = () => reject(new ApiError(0, 'aborted', 'aborted'));
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(blob);
    });
  }

  async function mediaBlob(path) {
    const token = getToken();
    let response;
    try {
      response = await fetch(`/api/v1${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    } catch {
      throw new ApiError(0, 'network', 'network unreachable');
    }
    if (!response.ok) throw errorFrom(response.status, await response.json().catch(() => ({})));
    return response.blob();
  }

  const searchQuery = ({ q, conversationId, before, limit }) => new URLSearchParams(Object.entries({
    q, conversation_id: conversationId, before, limit,
  }).filter(([, value]) => value !== undefined && value !== null)).toString();

  return {
    register: (username, password, displayName) =>
      call('POST', '/accounts', { username, password, ...(displayName ? { display_name: displayName } : {}) }),
    login: (username, password, device) => call('POST', '/sessions', { username, password, device }),
    logout: () => call('DELETE', '/sessions/current'),
    account: () => call('GET', '/account'),
    changePassword: (oldPassword, newPassword) =>
      call('PUT', '/account/password', { old_password: oldPassword, new_password: newPassword }),
    sessions: () => call('GET', '/sessions'),
    // E-mail and password reset (docs/protocol.md, "E-mail and password reset").
    email: () => call('GET', '/account/email'),
    setEmail: (email, password) => call('PUT', '/account/email', { email: email || null, password }),
    verifyEmail: (token) => call('POST', '/account/email/verify', { token }),
    requestPasswordReset: (account) => call('POST', '/password-reset', { account }),
    resetPassword: (token, newPassword) =>
      call('POST', '/password-reset/confirm', { token, new_password: newPassword }),
    // Two-step sign-in (docs/protocol.md, "Two-step sign-in").
    secondFactor: (challenge, code) => call('POST', '/sessions/second-factor', { challenge, code }),
    twoStep: () => call('GET', '/account/2fa'),
    startTwoStep: (password) => call('POST', '/account/2fa/totp', { password }),
    confirmTwoStep: (code) => call('POST', '/account/2fa/totp/confirm', { code }),
    newRecoveryCodes: (code) => call('POST', '/account/2fa/recovery-codes', { code }),
    disableTwoStep: (password, code) => call('POST', '/account/2fa/disable', { password, code }),
    // OpenID Connect sign-in (docs/protocol.md, "Signing in with OpenID Connect").
    oidcProviders: () => call('GET', '/auth/oidc/providers'),
    oidcFinish: (ticket, device) => call('POST', '/auth/oidc/finish', { ticket, device }),
    oidcCreateAccount: (ticket, username, device) => call('POST', '/auth/oidc/accounts', { ticket, username, device }),
    oidcLink: (ticket, username, password, device) => call('POST', '/auth/oidc/link', { ticket, username, password, device }),
    identities: () => call('GET', '/account/identities'),
    confirmIdentity: (ticket) => call('POST', '/account/identities/confirm', { ticket }),
    unlinkIdentity: (provider, subject) =>
      call('DELETE', `/account/identities/${encodeURIComponent(provider)}/${encodeURIComponent(subject)}`),
    // My own data (docs/protocol.md, "Downloading my data", "Deleting the account").
    startExport: () => call('POST', '/account/export'),
    exportState: () => call('GET', '/account/export'),
    deleteAccount: (password, code) => call('POST', '/account/delete', { password, ...(code ? { code } : {}) }),
    revokeSession: (id) => call('DELETE', `/sessions/${encodeURIComponent(id)}`),
    // Reports and their administration (docs/protocol.md, "Reports", "Administration").
    reportMessage: (conversationId, seq, reason) => call('POST', '/reports', { conversation_id: conversationId, seq, reason }),
    reportGroup: (groupId, reason) => call('POST', '/reports', { group_id: groupId, reason }),
    adminReports: (state = 'open') => call('GET', `/admin/reports?${new URLSearchParams({ state })}`),
    resolveReport: (id, action) => call('POST', `/admin/reports/${encodeURIComponent(id)}/resolve`, { action }),
    pushKey: () => call('GET', '/push/vapid-key'),
    addPushTarget: (target) => call('POST', '/push/targets', target),
    removePushTarget: (id) => call('DELETE', `/push/targets/${encodeURIComponent(id)}`),
    pushSettings: () => call('GET', '/push/settings'),
    setPushSettings: (fields) => call('PUT', '/push/settings', fields),
    // Sticker packs (docs/protocol.md, "Sticker packs").
    stickerShelf: () => call('GET', '/stickers'),
    createStickerPack: (name) => call('POST', '/stickers/packs', { name }),
    stickerPack: (slug) => call('GET', `/stickers/packs/${encodeURIComponent(slug)}`),
    deleteStickerPack: (slug) => call('DELETE', `/stickers/packs/${encodeURIComponent(slug)}`),
    addSticker: (slug, mediaId, keywords) => call('POST', `/stickers/packs/${encodeURIComponent(slug)}/stickers`, { media: mediaId, keywords }),
    removeSticker: (slug, id) => call('DELETE', `/stickers/packs/${encodeURIComponent(slug)}/stickers/${id}`),
    reorderStickers: (slug, ids) => call('PUT', `/stickers/packs/${encodeURIComponent(slug)}/order`, { stickers: ids }),
    reorderStickerCollection: (slugs) => call('PUT', '/stickers/collection', { packs: slugs }),
    collectStickerPack: (slug, on) => call(on ? 'PUT' : 'DELETE', `/stickers/collection/${encodeURIComponent(slug)}`),
    // Moments (docs/protocol.md, "Moments"): author 0 is my feed.
    moments: (author, before, limit = 20) => call('GET', `${author ? `/moments/users/${author}` : '/moments'}?${new URLSearchParams({ limit, ...(before ? { before } : {}) })}`),
    postMoment: (moment) => call('POST', '/moments', moment),
    deleteMoment: (id) => call('DELETE', `/moments/${id}`),
    likeMoment: (id, on) => call(on ? 'PUT' : 'DELETE', `/moments/${id}/like`),
    commentMoment: (id, text, replyTo) => call('POST', `/moments/${id}/comments`, { text, ...(replyTo ? { reply_to: replyTo } : {}) }),
    deleteMomentComment: (id, commentId) => call('DELETE', `/moments/${id}/comments/${commentId}`),
    userByName: (username) => call('GET', `/users/${encodeURIComponent(username)}`),
    userById: (id) => call('GET', `/users/id/${id}`),
    conversations: () => call('GET', '/conversations'),
    searchUsers: (q) => call('GET', `/users?q=${encodeURIComponent(q)}`),
    updateProfile: (fields) => call('PATCH', '/account/profile', fields),
    friends: () => call('GET', '/friends'),
    friendRequests: () => call('GET', '/friends/requests'),
    requestFriend: (to, note) => call('POST', '/friends/requests', { to, ...(note ? { note } : {}) }),
    acceptFriend: (id) => call('POST', `/friends/requests/${id}/accept`),
    declineFriend: (id) => call('POST', `/friends/requests/${id}/decline`),
    cancelFriendRequest: (id) => call('DELETE', `/friends/requests/${id}`),
    removeFriend: (id) => call('DELETE', `/friends/${id}`),
    blocks: () => call('GET', '/blocks'),
    block: (id) => call('PUT', `/blocks/${id}`),
    unblock: (id) => call('DELETE', `/blocks/${id}`),
    createGroup: (name, members) => call('POST', '/groups', { name, members }),
    group: (id) => call('GET', `/groups/${id}?limit=1000`),
    updateGroup: (id, fields) => call('PATCH', `/groups/${id}`, fields),
    addMembers: (id, users) => call('POST', `/groups/${id}/members`, { users }),
    removeMember: (id, userId) => call('DELETE', `/groups/${id}/members/${userId}`),
    setRole: (id, userId, role) => call('PUT', `/groups/${id}/members/${userId}/role`, { role }),
    mute: (id, userId, until) => call('PUT', `/groups/${id}/members/${userId}/mute`, { until }),
    unmute: (id, userId) => call('DELETE', `/groups/${id}/members/${userId}/mute`),
    transferOwnership: (id, userId) => call('POST', `/groups/${id}/owner`, { user: userId }),
    deleteGroup: (id) => call('DELETE', `/groups/${id}`),
    createInvite: (id) => call('POST', `/groups/${id}/invites`),
    joinGroup: (code) => call('POST', '/groups/join', { code }),
    publicGroups: (q, after = 0) => call('GET', `/groups/public?${new URLSearchParams({ q, after, limit: 20 })}`),
    askToJoin: (id) => call('POST', `/groups/${id}/requests`),
    joinRequests: (id) => call('GET', `/groups/${id}/requests`),
    answerJoinRequest: (id, userId, approve) => call(approve ? 'POST' : 'DELETE', `/groups/${id}/requests/${userId}`),
    createUpload: ({ name, size, kind }) => call('POST', '/uploads', { name, size, kind }),
    upload: (id) => call('GET', `/uploads/${encodeURIComponent(id)}`),
    putChunk,
    completeUpload: (id) => call('POST', `/uploads/${encodeURIComponent(id)}/complete`),
    abandonUpload: (id) => call('DELETE', `/uploads/${encodeURIComponent(id)}`),
    mediaBlob,
    search: (options) => call('GET', `/search?${searchQuery(options)}`),
  };
}
