// social_state: friends, pending friend requests, blocks and friends' presence, as this device
// knows them. Pure data, no I/O (sync.js fills it from HTTP lists and live frames).
//
// Contract
// - friends: Map user id -> {user_id, since}; presenceOf(id): {status, last_seen_at}
//   ('online' | 'away' | 'offline') for friends only (a removed friend's goes stale); incoming / outgoing: Maps of friend request objects keyed
//   by the other user's id; blocks: Map user id -> since.
// - Lists from HTTP replace what is known; frames add or drop single entries. loaded() says
//   whether the friend list came yet (before it, nobody is known to be a friend).
// - setConnected(false) while this device is not connected: presenceOf(friend) is then
//   {status: 'unknown'}, never a stale "online".
// - subscribe(listener) is told after every change.
export function createSocialState() {
  const friends = new Map();
  const presence = new Map();
  const incoming = new Map();
  const outgoing = new Map();
  const blocks = new Map();
  const listeners = new Set();
  let friendsLoaded = false;
  let connected = false;
  const notify = () => { for (const listener of listeners) listener(); };

  function putFriend({ user, since, presence: p }) {
    friends.set(user.id, { user_id: user.id, since });
    if (p) presence.set(user.id, p);
    incoming.delete(user.id);
    outgoing.delete(user.id);
  }

  return {
    loaded: () => friendsLoaded,
    friends: () => [...friends.values()],
    isFriend: (id) => friends.has(id),
    presenceOf(id) {
      if (!friends.has(id)) return undefined;
      return connected ? presence.get(id) : { status: 'unknown' };
    },
    setConnected(value) {
      if (value === connected) return;
      connected = value;
      notify();
    },
    incoming: () => [...incoming.values()],
    outgoing: () => [...outgoing.values()],
    blocks: () => [...blocks.entries()].map(([user_id, since]) => ({ user_id, since })),
    setFriends(list) {
      friendsLoaded = true;
      friends.clear();
      for (const friend of list) putFriend(friend);
      notify();
    },
    setRequests(lists) {
      incoming.clear();
      outgoing.clear();
      for (const request of lists.incoming) incoming.set(request.from_id, request);
      for (const request of lists.outgoing) outgoing.set(request.to_id, request);
      notify();
    },
    setBlocks(list) {
      blocks.clear();
      for (const { user, since } of list) blocks.set(user.id, since);
      notify();
    },
    addFriend(friend) {
      putFriend(friend);
      notify();
    },
    removeFriend(id) {
      friends.delete(id);
      notify();
    },
    addRequest(request, myId) {
      if (request.to_id === myId) incoming.set(request.from_id, request);
      else outgoing.set(request.to_id, request);
      notify();
    },
    dropRequest({ from_id: from, to_id: to }, myId) {
      if (to === myId) incoming.delete(from);
      else outgoing.delete(to);
      notify();
    },
    setBlocked(id, since) {
      if (since) blocks.set(id, since);
      else blocks.delete(id);
      notify();
    },
    setPresence(id, { status, last_seen_at }) {
      presence.set(id, { status, last_seen_at });
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
