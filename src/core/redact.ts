// Removes credentials from URLs and messages before anything is printed or saved.

/** The URL with any password (and user name) replaced, safe for tables, JSON, logs and errors. */
export function redactUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href)
  } catch {
    return redactText(String(url))
  }
  if (parsed.password) parsed.password = '***'
  return parsed.href
}

/** Replaces `user:password@` inside free text, for error messages that quote URLs. */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]*@/gi, '$1:***@')
}
