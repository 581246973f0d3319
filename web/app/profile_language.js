// profile_language: keeps the profile's language in step with the language chosen on this
// device (every device adopts the profile's language when it starts).
//
// Contract
// - saveLanguage(api, onProfile, code) sends the choice with PATCH /account/profile: one request
//   in flight at a time and the newest choice sent after it, so answers crossing each other
//   never leave an older language saved. Until the server has the newest choice, it is kept on
//   the device as unsaved, so a reload (or a failed request) before that does not lose it.
// - startLanguage(api, onProfile, user), at start: an unsaved choice wins and is sent again;
//   otherwise the device adopts the profile's language.
// - forgetUnsavedLanguage() at logout: the next account must not inherit this one's choice.
import { adoptProfileLanguage } from './i18n.js';

const UNSAVED_KEY = 'parley.language.unsaved';
let inFlight = false;
let wanted = null;

export function saveLanguage(api, onProfile, code) {
  wanted = code;
  localStorage.setItem(UNSAVED_KEY, code);
  if (inFlight) return;
  inFlight = true;
  const sending = code;
  api.updateProfile({ language: sending })
    .then(({ user }) => {
      onProfile(user);
      if (wanted === sending) localStorage.removeItem(UNSAVED_KEY);
    })
    .catch(() => {})
    .finally(() => {
      inFlight = false;
      if (wanted !== sending) saveLanguage(api, onProfile, wanted);
    });
}

export function startLanguage(api, onProfile, user) {
  const unsaved = localStorage.getItem(UNSAVED_KEY);
  if (unsaved) saveLanguage(api, onProfile, unsaved);
  else adoptProfileLanguage(user.language);
}

export function forgetUnsavedLanguage() {
  localStorage.removeItem(UNSAVED_KEY);
}
