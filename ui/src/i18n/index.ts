import { en } from './en.ts';
import { ja, type MessageKey } from './ja.ts';

export type Lang = 'ja' | 'en';
export type { MessageKey };

const STORAGE_KEY = 'soramichi.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ja, en };
const listeners = new Set<() => void>();

function initial(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'ja' || stored === 'en') return stored;
  return 'ja';
}

let lang: Lang = initial();

export function currentLang(): Lang {
  return lang;
}

/** The message in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  translateStatic(document);
  for (const l of listeners) l();
}

/** Runs on every language change (panels redraw their text). */
export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

/** Fills every `[data-i18n]` element of the page's fixed markup (and `[data-i18n-placeholder]` inputs). */
export function translateStatic(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder as MessageKey);
  }
  const title = root.querySelector<HTMLElement>('[data-i18n-title]');
  if (title) document.title = t(title.dataset.i18nTitle as MessageKey);
}

/** Times as the city reads them: local time, 24-hour. */
export function formatTime(ms: number, withDate = false): string {
  const d = new Date(ms);
  return d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    ...(withDate ? { month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}
