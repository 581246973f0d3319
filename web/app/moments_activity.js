// moments_activity: what happened in Moments since the Moments screen was last looked at — a
// friend's new moment (`moment_posted`), a like or comment on mine, a reply to my comment
// (`moment_liked`, `moment_commented`). unseen() is true while any came (the "new moments"
// dot); seen() clears it (the screen is open). subscribe(listener) hears every frame, with
// the frame, and returns its unsubscribe. Not persisted: a reload starts clean.
export function createMomentsActivity() {
  let unseen = false;
  const listeners = new Set();
  return {
    unseen: () => unseen,
    add(frame) {
      unseen = true;
      listeners.forEach((listener) => listener(frame));
    },
    seen() {
      if (!unseen) return;
      unseen = false;
      listeners.forEach((listener) => listener(null));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
