// errors: the human sentence for a protocol error code, in the interface language.
// errorText(error, context) prefers a context-specific sentence (`error.<context>.<code>`,
// e.g. a `conflict` on the friends screen is "already friends or asked", not "username taken").
import { t } from './i18n.js';

export function errorText(error, context) {
  const code = error?.code ?? 'internal';
  for (const key of [context && `error.${context}.${code}`, `error.${code}`].filter(Boolean)) {
    const text = t(key);
    if (text !== key) return text;
  }
  return t('error.generic', { code });
}
