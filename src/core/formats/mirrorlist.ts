// Reads mirror lists (plain URLs, base URLs, pacman "Server =" lines, JSON arrays, Arch mirror status JSON) and writes plain ones.
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'

export type ListEntry = {url: string; location?: string}
export type ListOptions = {
  /** Values for pacman-style $variables ($repo, $arch). */
  variables?: Record<string, string>
  /** Appended to entries that are base URLs (ending in "/"); the primary's path, or --path. */
  path?: string
}

/** Entries in list order; unknown $variables are left in place and reported in `unresolved`. */
export function parseMirrorList(text: string, options: ListOptions = {}): {entries: ListEntry[]; unresolved: string[]} {
  const trimmed = text.trim()
  const raw = trimmed.startsWith('[') || trimmed.startsWith('{') ? jsonEntries(trimmed) : textEntries(text)
  const unresolved = new Set<string>()
  const entries = raw.map((entry) => {
    let url = entry.url.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, plain?: string, braced?: string) => {
      const value = options.variables?.[plain ?? braced ?? '']
      if (value === undefined) unresolved.add(plain ?? braced ?? '')
      return value ?? whole
    })
    if (url.endsWith('/') && options.path) url += options.path.replace(/^\/+/, '')
    return {...entry, url}
  })
  return {entries, unresolved: [...unresolved]}
}

function textEntries(text: string): ListEntry[] {
  const entries: ListEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (!line || line.startsWith('#')) continue
    const server = /^Server\s*=\s*(\S+)$/i.exec(line)
    if (server) {
      // pacman's Server lines name the repository directory, so the file goes below them.
      entries.push({url: server[1]!.endsWith('/') ? server[1]! : `${server[1]!}/`})
    } else {
      entries.push({url: line.split(/\s+/)[0]!})
    }
  }
  return entries
}

function jsonEntries(text: string): ListEntry[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string').map((url) => ({url}))
  const urls = (value as {urls?: unknown}).urls
  if (!Array.isArray(urls)) return []
  // Arch's mirror status: keep active mirrors that completed their checks.
  const entries: ListEntry[] = []
  for (const item of urls as Record<string, unknown>[]) {
    if (typeof item?.url !== 'string' || item.active === false) continue
    if (typeof item.completion_pct === 'number' && item.completion_pct <= 0) continue
    const entry: ListEntry = {url: item.url}
    if (typeof item.country_code === 'string' && /^[A-Za-z]{2}$/.test(item.country_code)) entry.location = item.country_code.toLowerCase()
    entries.push(entry)
  }
  return entries
}

/** One URL per line under a comment naming the file: readable by people, by `--list`, and by wget -i. */
export function writeMirrorList(set: MirrorSet): string {
  const header = `# mirrors of ${set.target.name.replace(/[\r\n]/g, '')}${set.target.size === undefined ? '' : ` (${set.target.size} bytes)`}, written by mirrorkit`
  return [header, ...set.candidates.map((candidate) => redactUrl(candidate.url))].join('\n') + '\n'
}
