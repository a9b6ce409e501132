// Reads the line and JSON mirror lists: plain URLs (or base URLs), pacman "Server =" lines, JSON arrays and Arch's mirror status.
import type {ListEntry, ListReading} from './mirrorlist-entry.js'

/** Whether the text has pacman Server lines (commented ones count: Arch ships its list with every line commented). */
export function isPacmanList(text: string): boolean {
  return /^[ \t]*#?[ \t]*Server[ \t]*=/m.test(text)
}

/** A scheme and a colon: the collector, not the reader, decides which schemes are mirrors (and says what it dropped). */
const URL_START = /^[a-z][a-z0-9+.-]*:[^\s]/i

/**
 * One URL (or base URL ending in "/") a line, and pacman "Server =" lines, in any mix; # comments, blank lines
 * and words after the URL ignored. pacman appends only the file name to a Server line, whatever --path names.
 */
export function readTextList(text: string): ListReading & {others: number} {
  const entries: ListEntry[] = []
  let others = 0
  let commentedServers = 0
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#\s*Server\s*=/i.test(raw)) commentedServers++
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (!line || line.startsWith('#')) continue
    const server = /^Server\s*=\s*(\S+)/i.exec(line)
    const first = line.split(/\s+/)[0]!
    if (server) entries.push({url: server[1]!.endsWith('/') ? server[1]! : `${server[1]!}/`, appendName: true})
    else if (URL_START.test(first)) entries.push({url: first})
    else others++
  }
  const notes: ListReading['notes'] = []
  if (others > 0 && entries.length > 0) notes.push({code: 'ELIST', message: `${others} line(s) that are not URLs were skipped`})
  if (entries.length === 0 && commentedServers > 0) {
    notes.push({code: 'ELIST', message: `all ${commentedServers} Server lines are commented out (uncomment the mirrors to use, as for pacman)`})
  }
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
