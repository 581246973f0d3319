// pending_requests: what a failed scenario was waiting for. watchRequests(browser) wraps
// browser.newContext so that every context remembers its requests that have neither finished
// nor failed, and the console errors and warnings of its pages. describeContexts(browser)
// returns lines for a failure report: each open page's address, its pending requests with
// their age, and the last console lines.
const MAX_CONSOLE_LINES = 20;

const watched = new WeakMap(); // context -> {pending: Map<request, startedMs>, console: string[]}

export function watchRequests(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    const state = { pending: new Map(), console: [] };
    watched.set(context, state);
    context.on('request', (request) => state.pending.set(request, Date.now()));
    context.on('requestfinished', (request) => state.pending.delete(request));
    context.on('requestfailed', (request) => state.pending.delete(request));
    context.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      state.console.push(`${message.type()}: ${message.text()}`);
      if (state.console.length > MAX_CONSOLE_LINES) state.console.shift();
    });
    return context;
  };
}

export function describeContexts(browser) {
  const lines = [];
  const now = Date.now();
  for (const context of browser.contexts()) {
    const state = watched.get(context);
    for (const page of context.pages()) lines.push(`page ${page.url()}`);
    if (!state) continue;
    for (const [request, started] of state.pending) {
      lines.push(`  pending ${request.method()} ${request.url()} for ${now - started} ms`);
    }
    for (const line of state.console) lines.push(`  console ${line}`);
  }
  return lines;
}
