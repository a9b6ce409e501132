// Reads the line and JSON mirror lists: plain URLs (or base URLs), pacman "Server =" lines, JSON arrays and Arch's mirror status.
import type {ListEntry, ListReading} from './mirrorlist-entry.js'

const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i

/** Whether the text has pacman Server lines (commented ones count: Arch ships its list with every line commented). */
export function isPacmanList(text: string): boolean {
  return /^[ \t]*#?[ \t]*Server[ \t]*=/m.test(text)
}

/** pacman appends only the file name to a Server line, whatever directory the user's --path names. */
export function readPacmanList(text: string): ListReading {
  const entries: ListEntry[] = []
  let commented = 0
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#\s*Server\s*=/i.test(raw)) commented++
    const server = /^\s*Server\s*=\s*(\S+)/i.exec(raw)
    if (!server) continue
    entries.push({url: server[1]!.endsWith('/') ? server[1]! : `${server[1]!}/`, appendName: true})
  }
  const notes = entries.length === 0 && commented > 0 ? [{code: 'ELIST', message: `all ${commented} Server lines are commented out (uncomment the mirrors to use, as for pacman)`}] : []
  return {entries, notes}
}

/** One URL (or base URL ending in "/") a line; # comments and blank lines ignored, extra words after the URL too. */
export function readPlainList(text: string): ListReading & {others: number} {
  const entries: ListEntry[] = []
  let others = 0
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (!line || line.startsWith('#')) continue
    const first = line.split(/\s+/)[0]!
    if (URL_START.test(first)) entries.push({url: first})
    else others++
  }
  const notes = others > 0 && entries.length > 0 ? [{code: 'ELIST', message: `${others} line(s) that are not URLs were skipped`}] : []
  return {entries, notes, others}
}

/** A JSON array of URL strings, or Arch's mirror status ({urls: [{url, active, completion_pct, country_code}]}). */
export function readJsonList(text: string): ListReading | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (Array.isArray(value)) return {entries: value.filter((item): item is string => typeof item === 'string').map((url) => ({url})), notes: []}
  const urls = (value as {urls?: unknown} | null)?.urls
  if (!Array.isArray(urls)) return undefined
  // Arch's mirror status: keep active mirrors that completed their checks.
  const entries: ListEntry[] = []
  for (const item of urls as Record<string, unknown>[]) {
    if (typeof item?.url !== 'string' || item.active === false) continue
    if (typeof item.completion_pct === 'number' && item.completion_pct <= 0) continue
    const entry: ListEntry = {url: item.url}
    if (typeof item.country_code === 'string' && /^[A-Za-z]{2}$/.test(item.country_code)) entry.location = item.country_code.toLowerCase()
    entries.push(entry)
  }
  return {entries, notes: []}
}
