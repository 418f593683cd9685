import { byId } from './dom.ts';
import { currentLang, onLangChange, setLang, t, translateStatic } from './i18n/index.ts';
import type { LiveStatus } from './live.ts';

/** The header both pages share: language switch and the stream's status. */
export function setupChrome(): { status(s: LiveStatus | 'replay'): void } {
  document.documentElement.lang = currentLang();
  translateStatic(document);
  const langButton = byId<HTMLButtonElement>('lang');
  langButton.addEventListener('click', () => setLang(currentLang() === 'ja' ? 'en' : 'ja'));
  const statusEl = byId('live-status');
  let last: LiveStatus | 'replay' = 'connecting';
  const show = () => {
    statusEl.textContent = t(`live.${last}`);
    statusEl.dataset.status = last;
  };
  onLangChange(show);
  show();
  return {
    status(s) {
      last = s;
      show();
    },
  };
}
