// Normalises candidate URLs so the same mirror found twice compares equal, and refuses schemes we cannot download from.

/** The schemes a candidate may use; everything else (javascript:, data:, file:...) is dropped. */
export const CANDIDATE_SCHEMES = ['http:', 'https:', 'ftp:', 'ftps:', 'sftp:'] as const

const DEFAULT_PORTS: Record<string, string> = {'http:': '80', 'https:': '443', 'ftp:': '21', 'ftps:': '990', 'sftp:': '22'}

export type Normalised = {ok: true; url: string} | {ok: false; reason: 'malformed' | 'scheme'; scheme?: string}

/**
 * Lower-cases scheme and host, removes default ports, resolves dot segments and drops the fragment.
 * ftps and sftp are not "special" to the WHATWG parser, so their paths are resolved through an http stand-in.
 */
export function normaliseUrl(text: string, base?: string): Normalised {
  let url: URL
  try {
    url = new URL(text.trim(), base)
  } catch {
    return {ok: false, reason: 'malformed'}
  }
  const scheme = url.protocol.toLowerCase()
  if (!(CANDIDATE_SCHEMES as readonly string[]).includes(scheme)) return {ok: false, reason: 'scheme', scheme: scheme.replace(/:$/, '')}
  if (!url.hostname) return {ok: false, reason: 'malformed'}
  url.hash = ''
  if (scheme === 'http:' || scheme === 'https:' || scheme === 'ftp:') return {ok: true, url: url.href}
  let path: URL
  try {
    path = new URL(`${url.pathname || '/'}${url.search}`, 'http://placeholder.invalid')
  } catch {
    return {ok: false, reason: 'malformed'}
  }
  const port = url.port && url.port !== DEFAULT_PORTS[scheme] ? `:${url.port}` : ''
  const credentials = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : ''
  return {ok: true, url: `${scheme}//${credentials}${url.hostname.toLowerCase()}${port}${path.pathname}${path.search}`}
}

/** The decoded last path segment of a URL ("" for a directory URL). */
export function lastSegment(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').pop() ?? ''
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}
