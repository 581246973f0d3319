// accessibility: axe-core (through @axe-core/playwright) on a screen of the app. Fails on every
// serious or critical violation, one line each: rule id, impact, the elements (CSS targets) and
// what axe says is wrong. No rule is turned off: the app is fixed instead. axe is injected
// through the DevTools protocol (page.evaluate), which the page's Content-Security-Policy does
// not govern; legacy mode runs it in the page itself (the app has no frames), so no blank page
// is opened next to the scenario's pages.
import { AxeBuilder } from '@axe-core/playwright';
import { assert } from './wait.mjs';

const FAILING = new Set(['serious', 'critical']);

// The serious and critical violations in axe's results, one line each.
export function violationsIn(results) {
  return results.violations.filter((violation) => FAILING.has(violation.impact)).flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${
      (node.failureSummary ?? violation.help).replace(/\s+/g, ' ').trim().slice(0, 240)}`));
}

export async function assertAccessible(page) {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const problems = violationsIn(results);
  assert(problems.length === 0, `axe on ${page.url()}: ${problems.length} serious or critical:\n  ${problems.join('\n  ')}`);
}
