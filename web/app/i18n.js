// i18n: the interface language. The choice is the one saved in settings, else the first of
// navigator.languages that Parley speaks (en, zh, fr), else English. t(key, params) looks a
// string up in the current language (falling back to English) and fills {name} placeholders.
// setLanguage() loads the language's strings, persists the choice and notifies onLanguageChange
// listeners. The language saved
// in the user's profile (from any device's settings) is adopted when the app starts, so a
// person who chose 中文 on one device sees it on every device: adoptProfileLanguage().
import en from '../i18n/en.js';

// The languages Parley speaks, with what the language picker and <html lang> need before a
// language's strings are loaded (the same name and locale as in its file). Only English, the
// fallback, is part of the first load; another language's strings are fetched when it is
// chosen: at start by loadChosenLanguage(), later by setLanguage().
export const LANGUAGES = {
  en: { name: 'English', locale: 'en' },
  zh: { name: '中文', locale: 'zh-CN' },
  fr: { name: 'Français', locale: 'fr' },
};
const LOADERS = { zh: () => import('../i18n/zh.js'), fr: () => import('../i18n/fr.js') };
const loaded = { en: en.strings };
const STORAGE_KEY = 'parley.language';
const listeners = new Set();
let current = 'en';

function pickLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && LANGUAGES[saved]) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

// Fetches a language's strings once; false when they cannot be had (offline and not cached).
async function load(code) {
  if (loaded[code]) return true;
  try {
    loaded[code] = (await LOADERS[code]()).default.strings;
    return true;
  } catch {
    return false;
  }
}

function use(code) {
  current = code;
  document.documentElement.lang = LANGUAGES[code].locale;
}

// At start, before the first screen: the saved or the browser's language, else English.
export async function loadChosenLanguage() {
  const code = pickLanguage();
  use((await load(code)) ? code : 'en');
}

export function language() {
  return current;
}

// Switches once the language's strings are loaded (a failed load keeps the current one).
export async function setLanguage(code) {
  if (!LANGUAGES[code] || !(await load(code))) return;
  use(code);
  localStorage.setItem(STORAGE_KEY, code);
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
  const text = loaded[current][key] ?? en.strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function locale() {
  return LANGUAGES[current].locale;
}

