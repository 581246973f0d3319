// errors: the human sentence for a protocol error code, in the interface language.
// errorText(error, context) prefers a context-specific sentence (`error.<context>.<code>`,
// e.g. a `conflict` on the friends screen is "already friends or asked", not "username taken").
// `context` may be a list, most specific first (['group_send', 'send']). A code without a
// sentence reads "Something went wrong": a person never sees the code itself.
import { t } from './i18n.js';

export function errorText(error, context) {
  const code = error?.code ?? 'internal';
  for (const key of [...[context ?? []].flat().map((c) => `error.${c}.${code}`), `error.${code}`]) {
    const text = t(key);
    if (text !== key) return text;
  }
  return t('error.generic');
}
