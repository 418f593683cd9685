const TOKEN_KEY = 'soramichi.token';

/**
 * The page's bearer token, kept in this browser's storage. A link of the form `…/#token=…` (the
 * server prints one for its administrator) signs the page in and is then cleared from the
 * address bar, so the token does not linger in history or screenshots.
 */
export function sessionToken(): string | null {
  // Outside a browser (the stream's client under test) there is no stored session.
  if (typeof location === 'undefined' || typeof localStorage === 'undefined') return null;
  const fromLink = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    localStorage.setItem(TOKEN_KEY, decodeURIComponent(fromLink));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return localStorage.getItem(TOKEN_KEY);
}

export function signIn(token: string): void {
  localStorage.setItem(TOKEN_KEY, token.trim());
  location.reload();
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  location.reload();
}
