// upload_list: the files of a chat that are uploading (uploads.js), under its messages: a
// bubble each with the name, a progress bar and its percentage ("Processing" once sent), and
// Cancel; a failed one says why with Dismiss. createUploadList({uploads, target}) ->
// {element, render()}; render() again on every change of the upload queue.
import { h } from '../../dom.js';
import { errorText } from '../../errors.js';
import { t } from '../../i18n.js';

export function createUploadList({ uploads, target }) {
  const element = h('ol', { className: 'message-list upload-list', 'aria-label': t('uploads') });

  function uploadItem(item) {
    const { phase, error } = item.state;
    const percent = Math.round(item.progress() * 100);
    const failed = phase === 'failed';
    const name = item.file.name || t(`media_${item.kind}`);
    return h('li', { className: 'message mine upload', 'data-upload': item.key, 'data-phase': phase },
      h('div', { className: 'bubble upload-bubble' },
        h('span', { className: 'upload-name' }, name),
        failed
          ? h('span', { className: 'upload-error' }, t('upload_failed', { name, reason: errorText({ code: error }, [item.kind, 'media']) }))
          : h('span', { className: 'upload-progress' },
            h('progress', { max: 100, value: percent, 'aria-label': t('uploading', { name, percent }) }),
            h('span', { className: 'upload-percent' }, phase === 'complete' ? t('processing') : `${percent}%`)),
        h('button', {
          type: 'button', className: 'link upload-cancel', onClick: () => (failed ? uploads.dismiss(item.key) : uploads.cancel(item.key)),
        }, failed ? t('dismiss') : t('cancel'))));
  }

  return { element, render: () => element.replaceChildren(...uploads.forTarget(target).map(uploadItem)) };
}
