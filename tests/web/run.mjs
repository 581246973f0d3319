// The web app's browser tests: node run.mjs <parleyd> <repo root> <screenshot dir> [suite].
// suite `app` (the default: the scenarios) or `tour` (every screen in en, zh and fr on a desktop
// and a phone, tour_scenarios.mjs), `two_step` (two-step sign-in, two_step_scenarios.mjs) or
// `moments` (moments_scenarios.mjs) or `account_data` (export and deletion,
// account_data_scenarios.mjs) or `oidc` (signing in with OpenID Connect, oidc_scenarios.mjs) or
// `s3_media` (media fetched from an S3 bucket, s3_media_scenarios.mjs) or `groups` (the public
// group directory and join requests, public_group_scenarios.mjs) or `admin` (reports and the
// admin page, admin_scenarios.mjs) or `video` (video messages, video_scenarios.mjs) or
// `stickers` (sticker packs and the picker, sticker_scenarios.mjs);
// ctest runs each as a test of its own, and they can run in
// parallel.
// Starts a real parleyd (ephemeral loopback port, temporary data dir, --web-root <repo>/web),
// launches Debian's Chromium through playwright-core, runs every scenario in order (they share
// one server and build on each other's users), and always closes the browser and stops the
// server, removing its data dir, also when a scenario fails (after a screenshot of every open
// page: failure-N.png). Exit code 0 only if all passed. Every page runs under the server's
// Content-Security-Policy: a scenario fails on any violation (lib/csp.mjs) or page error.
// Every screenshot also checks the page's visible text for rendered values and raw error codes
// (lib/visible_text.mjs) and runs axe on it: no serious or critical violation
// (lib/accessibility.mjs).
// A failure report lists the page errors so far, each open page's pending requests and console
// errors (lib/pending_requests.mjs) and whether the server still answers /healthz.
// WEB_SCENARIOS=REGEX runs only the scenarios whose names match (while working on them; the
// ones they build on must match too).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { watchSecurity } from './lib/csp.mjs';
import { describeContexts, watchRequests } from './lib/pending_requests.mjs';
import { startServer } from './lib/server.mjs';
import { watchScreens } from './lib/visible_text.mjs';
import { scenarios } from './scenarios.mjs';
import { momentsScenarios } from './moments_scenarios.mjs';
import { richScenarios } from './scenarios_rich.mjs';
import { tourScenarios } from './tour_scenarios.mjs';
import { twoStepScenarios } from './two_step_scenarios.mjs';
import { accountDataScenarios } from './account_data_scenarios.mjs';
import { oidcScenarios } from './oidc_scenarios.mjs';
import { s3MediaScenarios } from './s3_media_scenarios.mjs';
import { publicGroupScenarios } from './public_group_scenarios.mjs';
import { adminScenarios } from './admin_scenarios.mjs';
import { videoScenarios } from './video_scenarios.mjs';
import { stickerScenarios } from './sticker_scenarios.mjs';

const [binary, repoRoot, screenshotDir, suite = 'app'] = process.argv.slice(2);
const SUITES = {
  app: () => [...scenarios, ...richScenarios], tour: () => tourScenarios, two_step: () => twoStepScenarios,
  moments: () => momentsScenarios, account_data: () => accountDataScenarios, oidc: () => oidcScenarios,
  s3_media: () => s3MediaScenarios, groups: () => publicGroupScenarios, admin: () => adminScenarios,
  video: () => videoScenarios, stickers: () => stickerScenarios,
};
if (!binary || !repoRoot || !screenshotDir || !SUITES[suite]) {
  console.error('usage: node run.mjs <parleyd> <repo root> <screenshot dir> [app|tour|two_step|moments|account_data|oidc|s3_media|groups|admin|video|stickers]');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });

// Whether the server still answers, for a failure report.
async function serverHealth(baseUrl) {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
    return `${response.status}`;
  } catch (error) {
    return `no answer (${error.message})`;
  }
}

const server = await startServer({ binary, webRoot: path.join(repoRoot, 'web') });
let browser;
let failed = 0;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // A fake microphone (a beep) that needs no permission prompt, for the voice scenarios.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  const adminSetupToken = /admin setup token: ([0-9a-f]{32})/.exec(server.log())?.[1];
  const world = {
    browser, baseUrl: server.url, adminSetupToken,
    // A server of a scenario's own (one it stops and starts again); the scenario stops it.
    // `extraArgs` as for lib/server.mjs (a server configured for one scenario).
    startServer: (extraArgs = []) => startServer({ binary, webRoot: path.join(repoRoot, 'web'), extraArgs }),     screenshot: (name) => path.join(screenshotDir, `${name}.png`), pageErrors: [], securityProblems: [],
  };
  watchSecurity(browser, world.securityProblems);
  watchScreens(browser);
  watchRequests(browser);
  const only = process.env.WEB_SCENARIOS ? new RegExp(process.env.WEB_SCENARIOS) : null;
  for (const [name, scenario] of SUITES[suite]().filter(([n]) => !only || only.test(n))) {
    const started = Date.now();
    try {
      await scenario(world);
      if (world.pageErrors.length) throw new Error(`errors in the page: ${world.pageErrors.join('; ')}`);
      if (world.securityProblems.length) throw new Error(`security policy: ${world.securityProblems.join('; ')}`);
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n${error.stack}`);
      if (world.pageErrors.length) console.log(`errors in the page: ${world.pageErrors.join('; ')}`);
      console.log(describeContexts(browser).join('\n'));
      console.log(`server health: ${await serverHealth(server.url)}`);
      // What every open page showed when it failed, next to the other screenshots.
      const pages = browser.contexts().flatMap((context) => context.pages());
      await Promise.all(pages.map((page, i) => page.screenshot({ path: world.screenshot(`failure-${suite}-${i}`) }).catch(() => {})));
      world.pageErrors.length = 0;
      world.securityProblems.length = 0;
      break; // later scenarios build on this one's state
    }
  }
} finally {
  await browser?.close();
  server.stop();
}
if (failed) {
  console.log('server log:\n' + server.log().split('\n').slice(-40).join('\n'));
  process.exit(1);
}
console.log('all web scenarios passed');
