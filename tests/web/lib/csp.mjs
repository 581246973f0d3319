// csp: makes every browser context of the tests report what the Content-Security-Policy (and
// the rest of the security headers) would catch, so the web app is tested with its policy on.
// watchSecurity(browser, problems) wraps browser.newContext: each new context pushes a line
// into `problems` for
// - every `securitypolicyviolation` event in any of its pages (a listener installed before the
//   app's scripts run, reporting through a binding),
// - every console error about the Content-Security-Policy,
// - every HTML document it loads from the server without a Content-Security-Policy header.
// The runner fails a scenario that leaves anything in `problems`.
import { assert, eventually } from './wait.mjs';

export function watchSecurity(browser, problems) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchContext(context, problems);
    return context;
  };
}

async function watchContext(context, problems) {
  await context.exposeBinding('__parleyCspViolation', ({ page }, text) => {
    problems.push(`${text} (on ${page.url()})`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__parleyCspViolation(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  context.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
  });
  context.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'document' || !response.url().startsWith('http')) return;
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return;
    if (!response.headers()['content-security-policy']) problems.push(`no Content-Security-Policy on ${response.url()}`);
  });
}

// Whether the policy catches what it must: an inline script and an inline style attribute are
// blocked in `page`, and each is reported both as an event and on the console. Returns whether
// the script ran and what was reported, after taking it out of `problems`, so the self-test
// does not fail the scenario that runs it.
export async function provokeViolations(page, problems) {
  const before = problems.length;
  const ran = await page.evaluate(() => new Promise((resolve) => {
    let seen = 0;
    document.addEventListener('securitypolicyviolation', () => {
      seen += 1;
      if (seen === 2) resolve(Boolean(window.__parleyInlineRan));
    });
    const script = document.createElement('script');
    script.textContent = 'window.__parleyInlineRan = true';
    document.head.append(script);
    const styled = document.createElement('div');
    styled.setAttribute('style', 'color: red');
    document.body.append(styled);
    styled.remove();
  }));
  await eventually(() => {
    const found = problems.slice(before);
    assert(found.filter((line) => line.startsWith('CSP violation')).length === 2 && found.filter((line) => line.startsWith('console')).length === 2,
      `two violations, each as an event and on the console: ${JSON.stringify(found)}`);
  }, 'the inline script and style reported');
  return { ran, reported: problems.splice(before) };
}
