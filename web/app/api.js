// api: the HTTP half of the protocol (docs/protocol.md), one function per endpoint used.
// Every call resolves with the parsed body (or null for 204) or rejects with an ApiError
// carrying the protocol's error `code`. createApi(getToken) reads the current token per call.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
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
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ApiError(response.status, data.error?.code ?? 'internal', data.error?.message);
    }
    return data;
  }

  return {
    register: (username, password, displayName) =>
      call('POST', '/accounts', { username, password, ...(displayName ? { display_name: displayName } : {}) }),
    login: (username, password, device) => call('POST', '/sessions', { username, password, device }),
    logout: () => call('DELETE', '/sessions/current'),
    account: () => call('GET', '/account'),
    changePassword: (oldPassword, newPassword) =>
      call('PUT', '/account/password', { old_password: oldPassword, new_password: newPassword }),
    sessions: () => call('GET', '/sessions'),
    revokeSession: (id) => call('DELETE', `/sessions/${encodeURIComponent(id)}`),
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
  };
}
