/**
 * What the server says on the page it sends the browser back to after a social login:
 * `provision_lock=login` after a success, `provision_lock_error=<code>` after a failure. Read once
 * and removed from the address bar, so a reload does not say it again.
 */
export interface Landing {
  loggedIn: boolean;
  error: string | undefined;
}

const LOGIN_MARK = 'provision_lock';
const ERROR_MARK = 'provision_lock_error';

export function takeLanding(): Landing {
  const url = new URL(location.href);
  const landing: Landing = {
    loggedIn: url.searchParams.get(LOGIN_MARK) === 'login',
    error: url.searchParams.get(ERROR_MARK) ?? undefined,
  };
  if (url.searchParams.has(LOGIN_MARK) || url.searchParams.has(ERROR_MARK)) {
    url.searchParams.delete(LOGIN_MARK);
    url.searchParams.delete(ERROR_MARK);
    history.replaceState(history.state, '', url.href);
  }
  return landing;
}
