import { PUBLIC_WHOAMI, type WhoAmI } from '../../server/protocol/index.ts';
import { api } from './api.ts';
import { byId } from './dom.ts';
import { currentLang, onLangChange, setLang, t } from './i18n/index.ts';
import { translateStatic } from './i18n/index.ts';
import type { LiveStatus } from './live.ts';
import { signIn, signOut } from './session.ts';
import { inBackground } from './background.ts';

export interface Chrome {
  status(s: LiveStatus | 'replay'): void;
  /** Who the page acts as: the public until the server has said otherwise. */
  whoami: Promise<WhoAmI>;
}

/** The header both pages share: language switch, the stream's status, and who the page acts as. */
export function setupChrome(): Chrome {
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

  const whoEl = byId('who');
  const session = byId<HTMLButtonElement>('session');
  let me: WhoAmI = PUBLIC_WHOAMI;
  let refused = false;
  const showWho = () => {
    whoEl.textContent =
      me.role === 'public'
        ? t(refused ? 'session.refused' : 'session.public')
        : `${me.subject} · ${t(`role.${me.role}`)}`;
    whoEl.dataset.role = me.role;
    session.textContent = t(api.token ? 'session.signOut' : 'session.signIn');
  };
  session.addEventListener('click', () => {
    if (api.token) return signOut();
    const token = prompt(t('session.prompt'));
    if (token?.trim()) signIn(token);
  });
  const whoami = api.whoami().catch(() => {
    refused = true;
    return PUBLIC_WHOAMI;
  });
  inBackground(
    'asking who the page acts as',
    whoami.then((w) => {
      me = w;
      showWho();
    }),
  );

  onLangChange(() => {
    show();
    showWho();
  });
  show();
  showWho();
  return {
    status(s) {
      last = s;
      show();
    },
    whoami,
  };
}
