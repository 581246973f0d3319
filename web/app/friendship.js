// friendship: where I stand with another person, from social_state, for every screen that shows
// it (the friends search, the note of a direct chat), and the actions that move it on.
// relationTo(social, myId, id): 'you', 'friends', 'requested' (my request waits), 'asked'
// (their request waits for me), 'blocked' (I blocked them) or 'none'. requestFriendship,
// acceptFriendship and unblockUser change the server, then social_state (the live frames that
// follow change nothing more); they throw the API's errors for the caller to show.
export function relationTo(social, myId, id) {
  if (id === myId) return 'you';
  if (social.isFriend(id)) return 'friends';
  if (social.blocks().some((b) => b.user_id === id)) return 'blocked';
  if (social.outgoing().some((r) => r.to_id === id)) return 'requested';
  if (social.incoming().some((r) => r.from_id === id)) return 'asked';
  return 'none';
}

export async function requestFriendship({ api, sync }, id, note = '') {
  await api.requestFriend(id, note);
  await sync.refreshSocial();
}

export async function acceptFriendship({ api, social }, id) {
  const { friend } = await api.acceptFriend(id);
  social.addFriend(friend);
}

export async function unblockUser({ api, social }, id) {
  await api.unblock(id);
  social.setBlocked(id, 0);
}
