// links: finds web links in message text. linkParts(text) splits it into parts in order,
// {text} for plain text and {text, href} for a link, whose texts joined give `text` back.
// A link starts with http://, https:// or www. (case-insensitive) at the start or after a
// character that is not a letter, digit, / . @ : or - (so "javascript://www.x" and
// "me@www.x" link nothing), and runs to whitespace, <, >, " or CJK text and punctuation (Chinese writes
// no space after a URL). Trailing . , ! ? : ; ' and closing brackets without an opening one
// in the link stay outside it ("see https://x.org/a." links https://x.org/a; a Wikipedia
// "Foo_(bar)" keeps its ")"). www. links get https://. Every href is parsed by URL and must
// be http: or https: with a host; nothing else (javascript:, data:, other schemes, markup)
// ever becomes a link. Pure: the DOM is built by the caller, with the texts as text nodes.
const CANDIDATE = /(?<![\w/.@:-])(?:https?:\/\/|www\.)[^\s<>"\u3000-\u9fff\uff00-\uffef]+/gi;
const TRAILING = /[.,!?:;'*_~]$/;
const CLOSERS = { ')': '(', ']': '[', '}': '{' };

function trimEnd(link) {
  for (;;) {
    const last = link.at(-1);
    if (TRAILING.test(last)) {
      link = link.slice(0, -1);
    } else if (CLOSERS[last] && count(link, last) > count(link, CLOSERS[last])) {
      link = link.slice(0, -1);
    } else {
      return link;
    }
  }
}

const count = (text, character) => text.split(character).length - 1;

function hrefOf(link) {
  const href = /^www\./i.test(link) ? `https://${link}` : link;
  try {
    const url = new URL(href);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return url.href;
  } catch {
    // not a URL: stays text
  }
  return null;
}

export function linkParts(input) {
  const text = String(input ?? '');
  const parts = [];
  let plainFrom = 0;
  for (const found of text.matchAll(CANDIDATE)) {
    const link = trimEnd(found[0]);
    const href = hrefOf(link);
    if (!href || /^(?:https?:\/\/|www\.)$/i.test(link)) continue;
    if (found.index > plainFrom) parts.push({ text: text.slice(plainFrom, found.index) });
    parts.push({ text: link, href });
    plainFrom = found.index + link.length;
  }
  if (plainFrom < text.length || parts.length === 0) parts.push({ text: text.slice(plainFrom) });
  return parts;
}
