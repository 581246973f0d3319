// format: times and days in the person's own time zone (the profile's, set with
// setTimeZone(); the browser's until then or when it is unknown to Intl), in the interface
// language, via Intl.DateTimeFormat; file sizes and clip lengths.
import { locale, t } from './i18n.js';

let profileZone = null;

export function setTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone || undefined });
    profileZone = zone || null;
  } catch {
    profileZone = null; // a shape the server accepts but Intl does not know
  }
}

let browserZone = null;

export function timeZone() {
  return profileZone ?? (browserZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
}

// One Intl.DateTimeFormat per language, zone and options: making one costs far more than
// using it, and a long chat formats thousands of times.
const formatters = new Map();
function dateFormat(language, options) {
  const key = `${language}|${timeZone()}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language, { ...options, timeZone: timeZone() });
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatTime(ms) {
  return dateFormat(locale(), { hour: 'numeric', minute: '2-digit' }).format(ms);
}

// A calendar-day key in the person's zone, to place day separators.
export function dayKey(ms) {
  return dateFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function formatDay(ms, now = Date.now()) {
  if (dayKey(ms) === dayKey(now)) return t('today');
  if (dayKey(ms) === dayKey(now - 86400000)) return t('yesterday');
  return dateFormat(locale(), { dateStyle: 'medium' }).format(ms);
}

export function formatDate(ms) {
  return dateFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

// The list row's short stamp: a time today, else a date.
export function formatStamp(ms) {
  if (!ms) return '';
  if (dayKey(ms) === dayKey(Date.now())) return formatTime(ms);
  return dateFormat(locale(), { month: 'short', day: 'numeric' }).format(ms);
}

// Initials for an avatar: the first grapheme of the first two words that start with a letter,
// digit or emoji (grapheme-safe, so a ZWJ emoji stays whole).
export function initials(name) {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const words = String(name).trim().split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}\p{Extended_Pictographic}]+/u, '')).filter(Boolean).slice(0, 2);
  return words.map((w) => segmenter.segment(w)[Symbol.iterator]().next().value?.segment ?? '').join('').toUpperCase();
}

// A byte count for people: "512 bytes", "1.2 MB" (units of 1000, as file managers show them).
export function formatBytes(bytes) {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Bytes in words ("12 bytes", "12 octets"); larger units short ("1.5 MB", "1,5 Mo").
  return new Intl.NumberFormat(locale(), {
    style: 'unit', unit: units[unit], unitDisplay: unit ? 'short' : 'long', maximumFractionDigits: unit ? 1 : 0,
  }).format(value);
}

// A clip length: "0:07", "12:30".
export function formatDuration(ms) {
  const seconds = Math.max(0, Math.round((Number(ms) || 0) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
