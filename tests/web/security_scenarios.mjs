// Security scenarios: the web app runs under the Content-Security-Policy parleyd sends with it,
// and the policy does its job. Every other scenario already fails on any violation (run.mjs,
// lib/csp.mjs); this one proves the watch works and the policy blocks what an injection would
// need: an inline script does not run, an inline style attribute is not applied, and both are
// reported. Runs after the first scenario, reloading Alice's open chat (the next scenarios
// expect her there).
import { provokeViolations } from './lib/csp.mjs';
import { assert, assertEqual } from './lib/wait.mjs';

async function inlineCodeIsBlocked(world) {
  const page = world.alice;
  const response = await page.goto(page.url());
  const policy = response.headers()['content-security-policy'] ?? '';
  for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
    assert(policy.includes(directive), `the page's policy has ${directive}: ${policy}`);
  }
  assertEqual(response.headers()['referrer-policy'], 'no-referrer', 'Referrer-Policy');
  await page.locator('#composer-text').waitFor();
  const { ran, reported } = await provokeViolations(page, world.securityProblems);
  assertEqual(ran, false, 'the inline script ran');
  for (const directive of ['script-src-elem', 'style-src-attr']) {
    assert(reported.some((line) => line.includes(`CSP violation: ${directive}`)), `${directive} reported: ${JSON.stringify(reported)}`);
  }
}

export const securityScenarios = [
  ['security: the app runs under its Content-Security-Policy; inline script and style are blocked and reported', inlineCodeIsBlocked],
];
