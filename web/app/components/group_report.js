// group_report: "Report group" in a group's panel (group_panel.js) for anyone but its owner: the
// button opens a small dialog asking why, like the message menu's report; sending it files the
// report (POST /reports with group_id; docs/protocol.md, "Reports"), which carries the group's
// name, topic, visibility, member count and owner to the server admins. The outcome (thanks,
// or why it failed, in words) shows under it. createGroupReport({api, groupId}) -> {element};
// the element keeps its state across the panel's refreshes.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { t } from '../i18n.js';

export function createGroupReport({ api, groupId }) {
  const status = h('p', { className: 'form-status report-status', role: 'status' });
  const open = h('button', { type: 'button', className: 'report-group', 'aria-haspopup': 'dialog', onClick: ask }, t('report_group'));
  const element = h('div', { className: 'group-report' }, open, status);

  function ask() {
    status.textContent = '';
    const reason = h('textarea', {
      className: 'report-reason', rows: 3, maxlength: 1000, required: true,
      'aria-label': t('report_group_reason'), placeholder: t('report_group_reason'),
    });
    const form = h('form', {
      className: 'report-form', role: 'dialog', 'aria-label': t('report_group'),
      onSubmit: (event) => { event.preventDefault(); send(reason.value.trim()); },
      onKeydown: (event) => { if (event.key === 'Escape') back(); },
    }, reason,
    h('span', { className: 'report-form-actions' },
      h('button', { type: 'submit', className: 'report-send danger' }, t('report_send')),
      h('button', { type: 'button', className: 'cancel', onClick: back }, t('cancel'))));
    element.replaceChildren(form, status);
    reason.focus();
  }

  function back() {
    element.replaceChildren(open, status);
    open.focus();
  }

  async function send(reason) {
    if (!reason) return;
    try {
      await api.reportGroup(groupId, reason);
      back();
      status.textContent = t('report_sent');
    } catch (error) {
      status.textContent = errorText(error, 'report_group');
    }
  }

  return { element };
}
