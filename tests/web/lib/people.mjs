// people: what a scenario sets up for itself, so that it needs nothing from the scenarios run
// before it. createPerson registers a new account through the HTTP API and logs it in (a token
// for api() calls); makeFriends makes two people friends; createGroup makes a group owned by the
// first person; newDevice opens a browser context of its own (a desktop, or a 390x844 phone)
// whose page errors fail the scenario. Usernames are the caller's: unique in the whole run.
import { api, PASSWORD } from './app.mjs';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1100, height: 720 };

export async function createPerson(world, username, displayName) {
  await api(world.baseUrl, 'POST', '/accounts', { body: { username, password: PASSWORD, display_name: displayName } });
  const { token, user } = await api(world.baseUrl, 'POST', '/sessions', { body: { username, password: PASSWORD, device: 'setup' } });
  return { ...user, token };
}

export async function makeFriends(world, a, b) {
  await api(world.baseUrl, 'POST', '/friends/requests', { token: a.token, body: { to: b.id } });
  await api(world.baseUrl, 'POST', `/friends/requests/${a.id}/accept`, { token: b.token });
}

export async function createGroup(world, owner, name, members) {
  const { group } = await api(world.baseUrl, 'POST', '/groups', { token: owner.token, body: { name, members: members.map((m) => m.id) } });
  return group;
}

// A page in a new browser context: `viewport` DESKTOP, PHONE or any size (under 720 px wide
// it is a phone, with touch), `locale` the browser's language.
export async function newDevice(world, { viewport = DESKTOP, locale = 'en-US' } = {}) {
  const phone = viewport.width < 720;
  const context = await world.browser.newContext({ viewport, locale, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  page.on('pageerror', (error) => world.pageErrors.push(error.stack));
  return page;
}
