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

export function timeZone() {
  return profileZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatTime(ms) {
  return new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit', timeZone: timeZone() }).format(ms);
}

// A calendar-day key in the person's zone, to place day separators.
export function dayKey(ms) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function formatDay(ms, now = Date.now()) {
  if (dayKey(ms) === dayKey(now)) return t('today');
  if (dayKey(ms) === dayKey(now - 86400000)) return t('yesterday');
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: timeZone() }).format(ms);
}

export function formatDate(ms) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone() }).format(ms);
}

// The list row's short stamp: a time today, else a date.
export function formatStamp(ms) {
  if (!ms) return '';
  if (dayKey(ms) === dayKey(Date.now())) return formatTime(ms);
  return new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', timeZone: timeZone() }).format(ms);
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
