// Finds a remote file's name, from Content-Disposition or the URL, reduced to one safe path segment.
import {sanitiseFileName} from './output-name.js'

/**
 * The file name a Content-Disposition header gives: `filename*=` (RFC 5987/6266, UTF-8 or ISO-8859-1)
 * wins over `filename=`. Sanitised; undefined when absent or nothing safe remains.
 */
export function nameFromContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined
  const parameters = parseParameters(header)
  const extended = parameters.get('filename*')
  const decoded = extended === undefined ? undefined : decodeExtendedValue(extended)
  return sanitiseFileName(decoded ?? parameters.get('filename') ?? '')
}

/** The URL's last path segment, percent-decoded and sanitised; undefined for a directory URL. */
export function nameFromUrl(url: URL | string): string | undefined {
  let pathname: string
  try {
    pathname = (typeof url === 'string' ? new URL(url) : url).pathname
  } catch {
    return undefined
  }
  const segment = pathname.slice(pathname.lastIndexOf('/') + 1)
  let decoded = segment
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    // A malformed escape is kept literally rather than dropping the name.
  }
  return sanitiseFileName(decoded)
}

/** Content-Disposition's name, else the URL's. */
export function remoteFileName(contentDisposition: string | undefined, url: URL | string): string | undefined {
  return nameFromContentDisposition(contentDisposition) ?? nameFromUrl(url)
}

/** `attachment; filename="a b.iso"; filename*=UTF-8''a%20b.iso` -> lower-cased parameter names to raw values. */
function parseParameters(header: string): Map<string, string> {
  const parameters = new Map<string, string>()
  const pattern = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g
  for (const match of header.matchAll(pattern)) {
    const key = (match[1] as string).toLowerCase()
    let value = (match[2] as string).trim()
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    if (!parameters.has(key)) parameters.set(key, value)
  }
  return parameters
}

/** RFC 5987 `charset'language'percent-encoded`, undefined when malformed or in a charset we cannot decode. */
function decodeExtendedValue(value: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(value)
  if (!match) return undefined
  const charset = (match[1] as string).toLowerCase()
  const encoded = match[2] as string
  try {
    if (charset === 'utf-8') return decodeURIComponent(encoded)
    if (charset === 'iso-8859-1') {
      return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    }
  } catch {
    return undefined
  }
  return undefined
}
