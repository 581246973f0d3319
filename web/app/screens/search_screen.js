// search_screen: full-text search over my messages (GET /api/v1/search), loaded on first use.
// A query field, a scope (all conversations, or the one it was opened from: scopeId) and the
// results, newest first, a page at a time ("More results"). Each result names its conversation,
// sender and time and shows the server's snippet with the matches in <mark> (the snippet is set
// as text, never as HTML); choosing one opens the conversation at that message
// (/chat/ID?at=SEQ), and the search's own address keeps the query so Back returns to it.
// Typing searches after a short pause; Enter at once.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDate } from '../format.js';
import { locale, t } from '../i18n.js';
import { conversationTitle } from '../components/conversation_title.js';
import { mediaLabel } from '../components/message_item.js';
import { createSearchState, snippetParts } from '../search_state.js';

const PAUSE_MS = 300;

export function mountSearchScreen(container, { api, state, users, navigate, scopeId, query }) {
  const search = createSearchState();
  const input = h('input', {
    id: 'search-q', type: 'search', value: query, placeholder: t('search_placeholder'), 'aria-label': t('search_messages'),
    autocomplete: 'off', maxlength: 256, onInput: () => { clearTimeout(pause); pause = setTimeout(run, PAUSE_MS); },
  });
  const scoped = scopeId ? state.get(scopeId) : null;
  const scope = h('select', { id: 'search-scope', 'aria-label': t('search_scope'), onChange: run },
    h('option', { value: '' }, t('search_all')),
    scoped && h('option', { value: String(scopeId), selected: true }, t('search_in', { name: conversationTitle(scoped, users) })));
  const results = h('ol', { className: 'found-messages', 'aria-label': t('search_results') });
  const status = h('p', { className: 'found-status', role: 'status' });
  const more = h('button', { type: 'button', className: 'found-more', hidden: true, onClick: loadMore }, t('search_more'));
  let pause = null;

  const scopeValue = () => (scope.value ? Number(scope.value) : null);

  function render() {
    results.replaceChildren(...search.results().map(resultItem));
    const error = search.error();
    if (error) status.textContent = errorText({ code: error }, 'search');
    else if (search.loading()) status.textContent = t('loading');
    else if (!search.query()?.q) status.textContent = '';
    else if (search.results().length === 0) status.textContent = t('search_no_results');
    else {
      const count = search.results().length;
      const one = new Intl.PluralRules(locale()).select(count) === 'one'; // French: 0 and 1
      status.textContent = t(one ? 'search_count_one' : 'search_count', { count });
    }
    more.hidden = !search.moreCursor() || search.loading();
  }

  function resultItem({ message, snippet }) {
    const conversation = state.get(message.conversation_id);
    const where = conversation ? conversationTitle(conversation, users) : `#${message.conversation_id}`;
    const parts = snippetParts(snippet || message.text || mediaLabel(message.media?.kind));
    return h('li', { className: 'found-message', 'data-conversation-id': message.conversation_id, 'data-seq': message.seq },
      h('button', { type: 'button', onClick: () => open(message) },
        h('span', { className: 'found-head' },
          h('span', { className: 'found-where' }, scopeValue() ? users.name(message.sender_id) : `${where} · ${users.name(message.sender_id)}`),
          h('time', { datetime: new Date(message.created_at).toISOString() }, formatDate(message.created_at))),
        h('span', { className: 'found-snippet' }, parts.map((part) => (part.match ? h('mark', {}, part.text) : part.text)))));
  }

  function open(message) {
    const params = new URLSearchParams({ q: input.value, ...(scopeValue() ? { in: String(scopeValue()) } : {}) });
    history.replaceState(null, '', `/search?${params}`);
    navigate(`/chat/${message.conversation_id}?at=${message.seq}`);
  }

  async function fetchPage(token, before) {
    render();
    const { q, conversationId } = search.query();
    try {
      search.add(token, await api.search({ q, conversationId: conversationId ?? undefined, before: before ?? undefined, limit: 20 }));
    } catch (error) {
      search.fail(token, error.code);
    }
    render();
  }

  function run(event) {
    event?.preventDefault();
    clearTimeout(pause);
    const q = input.value.trim();
    if (!q) {
      search.add(search.start(''), { results: [] }); // answers still coming are dropped
      render();
      return;
    }
    fetchPage(search.start(q, scopeValue()), null);
  }

  function loadMore() {
    const cursor = search.moreCursor();
    const token = search.more();
    if (token !== null) fetchPage(token, cursor);
  }

  container.replaceChildren(h('section', { className: 'message-search', 'aria-labelledby': 'search-title' },
    h('header', { className: 'pane-header' },
      h('a', { href: '/', className: 'icon-button back', 'aria-label': t('back'), title: t('back'),
        onClick: (event) => { event.preventDefault(); navigate(scopeId ? `/chat/${scopeId}` : '/'); } }, '←'),
      h('h2', { id: 'search-title' }, t('search_messages'))),
    h('form', { className: 'message-search-form', role: 'search', onSubmit: run }, input, scope, h('button', { type: 'submit', className: 'primary' }, t('search'))),
    status, results, more));
  input.focus();
  if (query) run();
  return () => clearTimeout(pause);
}
