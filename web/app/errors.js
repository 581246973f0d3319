// errors: the human sentence for a protocol error code, in the interface language.
import { t } from './i18n.js';

export function errorText(error) {
  const code = error?.code ?? 'internal';
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? t('error.generic', { code }) : text;
}
