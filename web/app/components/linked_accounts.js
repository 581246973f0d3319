// linked_accounts: Settings > Security, "Linked accounts": the OpenID Connect identities that
// sign in to this account (docs/protocol.md, GET and DELETE /api/v1/account/identities): each
// with its provider's display name, when it was linked, and "Unlink" (asked first:
// confirm_step.js). The server refuses to unlink the account's last way in (no password and
// no other identity: `403 forbidden`); that refusal is explained in words. The section stays
// hidden when the account has no identity and the server offers no provider (nothing to
// show). createLinkedAccounts(api) returns the section's element. Linking another identity
// while signed in is not in the server's API, so it is not offered here.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { formatDate } from '../format.js';
import { t } from '../i18n.js';
import { confirmStep } from './confirm_step.js';

export function createLinkedAccounts(api) {
  const list = h('ul', { className: 'linked-accounts' });
  const status = h('p', { className: 'form-status', role: 'status' });
  const element = h('section', { className: 'linked', 'aria-labelledby': 'linked-title', hidden: true },
    h('h4', { id: 'linked-title' }, t('oidc_linked_accounts')), list, status);

  function row(identity) {
    const name = identity.provider_display_name || identity.provider;
    return h('li', {},
      h('span', { className: 'linked-name' }, name),
      h('span', { className: 'muted' }, t('oidc_linked_since', { date: formatDate(identity.linked_at) })),
      confirmStep({
        label: t('oidc_unlink'),
        question: t('oidc_unlink_question', { name }),
        className: 'unlink',
        onConfirm: () => unlink(identity),
      }));
  }

  async function unlink(identity) {
    status.textContent = '';
    try {
      await api.unlinkIdentity(identity.provider, identity.subject);
      await load();
      status.textContent = t('oidc_unlinked', { name: identity.provider_display_name || identity.provider });
    } catch (error) {
      await load(); // the row's question closes; the list is the server's again
      status.textContent = errorText(error, 'oidc_unlink');
    }
  }

  async function load() {
    try {
      const [{ identities }, { providers }] = await Promise.all([api.identities(), api.oidcProviders()]);
      list.replaceChildren(...identities.map(row));
      if (!identities.length) list.replaceChildren(h('li', { className: 'muted' }, t('oidc_linked_none')));
      element.hidden = identities.length === 0 && providers.length === 0;
    } catch (error) {
      element.hidden = false;
      status.textContent = errorText(error);
    }
  }

  load();
  return element;
}
