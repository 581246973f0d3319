// file_drop: files dragged over a chat show a hint while over it and become uploads when
// dropped. attachFileDrop(section, {accepts(), onFiles(files)}) adds the listeners and returns
// the hint element (to place in the section); nothing happens while accepts() is false (a
// read-only chat).
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');

export function attachFileDrop(section, { accepts, onFiles }) {
  const hint = h('div', { className: 'drop-hint', hidden: true, 'aria-hidden': 'true' }, t('drop_files'));
  let depth = 0;
  section.addEventListener('dragenter', (event) => {
    if (!hasFiles(event) || !accepts()) return;
    depth += 1;
    hint.hidden = false;
  });
  section.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) hint.hidden = true;
  });
  section.addEventListener('dragover', (event) => { if (hasFiles(event) && accepts()) event.preventDefault(); });
  section.addEventListener('drop', (event) => {
    depth = 0;
    hint.hidden = true;
    if (!hasFiles(event) || !accepts()) return;
    event.preventDefault();
    onFiles(event.dataTransfer.files);
  });
  return hint;
}
