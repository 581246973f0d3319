// visible_text: what a person must never read on a screen of the app: "false", "undefined",
// "null", "NaN", "[object ...]" (a value rendered by mistake) or a raw error code (snake_case,
// like not_found or too_large, instead of its sentence). watchScreens(browser) wraps
// browser.newContext so that every page's screenshot() (each step that shows a screen) first
// writes the picture, then fails if the page's visible text (document.body.innerText: what is
// rendered, in every frame of the page's main document) holds one of them, and then fails on
// any serious or critical accessibility violation axe finds on it (lib/accessibility.mjs).
import { assertAccessible } from './accessibility.mjs';
import { assert } from './wait.mjs';

const LEAKS = [
  // Anywhere, even glued to a label ("Replyfalse", "falsefalse"): the app's strings have none.
  [/false|undefined|null|NaN/, 'a rendered value'],
  [/\[object\b/, 'a rendered object'],
  [/\b[a-z]+(?:_[a-z]+)+\b/, 'a raw error code'],
];

// The problems in `text`, one line each (empty when none).
export function leaksIn(text) {
  const problems = [];
  for (const line of text.split('\n')) {
    for (const [pattern, what] of LEAKS) {
      const found = pattern.exec(line);
      if (found) problems.push(`${what} "${found[0]}" in "${line.trim().slice(0, 120)}"`);
    }
  }
  return problems;
}

export async function assertNoLeaks(page) {
  const text = await page.evaluate(() => document.body?.innerText ?? '');
  const problems = leaksIn(text);
  assert(problems.length === 0, `visible text on ${page.url()}: ${problems.join('; ')}`);
}

export function watchScreens(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    const newPage = context.newPage.bind(context);
    context.newPage = async () => {
      const page = await newPage();
      const screenshot = page.screenshot.bind(page);
      page.screenshot = async (screenshotOptions) => {
        const picture = await screenshot(screenshotOptions);
        await assertNoLeaks(page);
        await assertAccessible(page);
        return picture;
      };
      return page;
    };
    return context;
  };
}
