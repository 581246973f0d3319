// i18n: the interface language. The choice is the one saved in settings, else the first of
// navigator.languages that Parley speaks (en, zh, fr), else English. t(key, params) looks a
// string up in the current language (falling back to English) and fills {name} placeholders.
// setLanguage() persists the choice and notifies onLanguageChange listeners. The language saved
// in the user's profile (from any device's settings) is adopted when the app starts, so a
// person who chose 中文 on one device sees it on every device: adoptProfileLanguage().
import en from '../i18n/en.js';
import fr from '../i18n/fr.js';
import zh from '../i18n/zh.js';

export const LANGUAGES = { en, zh, fr };
const STORAGE_KEY = 'parley.language';
const listeners = new Set();
let current = pickLanguage();

function pickLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && LANGUAGES[saved]) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

export function language() {
  return current;
}

export function setLanguage(code) {
  if (!LANGUAGES[code]) return;
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = LANGUAGES[code].locale;
  for (const listener of listeners) listener(code);
}

// `tag` is the profile's BCP 47 language ("zh-CN"); ignored when empty or not spoken here.
export function adoptProfileLanguage(tag) {
  const base = String(tag ?? '').toLowerCase().split('-')[0];
  if (LANGUAGES[base] && base !== current) setLanguage(base);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key, params = {}) {
  const text = LANGUAGES[current].strings[key] ?? en.strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function locale() {
  return LANGUAGES[current].locale;
}

document.documentElement.lang = LANGUAGES[current].locale;
