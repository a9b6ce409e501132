// Reads a metalink file's <url> elements: priority (v4) or preference (v3), location, maxconnections, relative URLs resolved.
import type {MetalinkWarning} from './metalink-hashes.js'
import {attributeOf, childrenNamed, firstChild, type XmlElement} from './xml-tree.js'

export type MetalinkUrl = {url: string; priority?: number; location?: string; maxConnections?: number}

export type UrlContext = {
  namespace: string
  version: 3 | 4
  file: string
  warnings: MetalinkWarning[]
  limits: {maxUrlsPerFile: number}
  base?: string
}

const MAX_PRIORITY = 999_999

/** The file's usable URLs in document order; each value that is wrong is dropped with a warning, the URL kept. */
export function urlsOf(file: XmlElement, context: UrlContext): MetalinkUrl[] {
  const {namespace, version} = context
  const holder = version === 3 ? firstChild(file, namespace, 'resources') : file
  if (!holder) return []
  const warn = (code: string, message: string) => context.warnings.push({code, message: `file ${JSON.stringify(context.file)}: ${message}`})
  // v3 <resources maxconnections> caps every URL of the file (aria2 reads it as a cap per server).
  const fileCap = holder === file ? undefined : connectionsOf(attributeOf(holder, 'maxconnections'), warn)
  const found: MetalinkUrl[] = []
  for (const element of childrenNamed(holder, namespace, 'url').slice(0, context.limits.maxUrlsPerFile)) {
    if (attributeOf(element, 'type') === 'bittorrent') continue
    const text = element.text.trim()
    if (!text) {
      warn('EMETALINKSKIP', 'an empty <url> was skipped')
      continue
    }
    const url = absolute(text, context.base)
    if (!url) {
      warn('ERELATIVEURL', `relative URL ${JSON.stringify(text.slice(0, 200))} skipped: the metalink has no URL of its own to resolve it against (give --metalink-base)`)
      continue
    }
    const entry: MetalinkUrl = {url}
    const priority = version === 4 ? v4Priority(attributeOf(element, 'priority'), warn) : v3Priority(attributeOf(element, 'preference'), warn)
    if (priority !== undefined) entry.priority = priority
    const location = attributeOf(element, 'location')?.trim()
    if (location !== undefined && location !== '') {
      if (/^[a-z]{2}$/i.test(location)) entry.location = location.toLowerCase()
      else warn('EMETALINKVALUE', `location ${JSON.stringify(location.slice(0, 40))} is not a two-letter country code; dropped`)
    }
    const ownCap = version === 3 ? connectionsOf(attributeOf(element, 'maxconnections'), warn) : undefined
    const cap = [ownCap, fileCap].filter((value): value is number => value !== undefined)
    if (cap.length > 0) entry.maxConnections = Math.min(...cap)
    found.push(entry)
  }
  return found
}

/** The URL itself when it has a scheme, resolved against `base` when it is relative, or undefined when it cannot be. */
function absolute(text: string, base: string | undefined): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return text
  if (!base) return undefined
  try {
    return new URL(text, base).href
  } catch {
    return undefined
  }
}

type Warn = (code: string, message: string) => void

/** v4 priority: 1..999999, lower preferred (RFC 5854 4.2.15.2). */
function v4Priority(value: string | undefined, warn: Warn): number | undefined {
  if (value === undefined) return undefined
  const number = /^\s*\d{1,7}\s*$/.test(value) ? Number(value) : Number.NaN
  if (number >= 1 && number <= MAX_PRIORITY) return number
  warn('EMETALINKVALUE', `priority ${JSON.stringify(value.slice(0, 40))} is not in 1..${MAX_PRIORITY}; the URL is kept without one`)
  return undefined
}

/** v3 preference is 0..100, higher preferred; turned into a v4 priority as aria2 does (100 -> 1). */
function v3Priority(value: string | undefined, warn: Warn): number | undefined {
  if (value === undefined) return undefined
  const number = /^\s*\d{1,3}\s*$/.test(value) ? Number(value) : Number.NaN
  if (number >= 0 && number <= 100) return 101 - number
  warn('EMETALINKVALUE', `preference ${JSON.stringify(value.slice(0, 40))} is not in 0..100; the URL is kept without one`)
  return undefined
}

function connectionsOf(value: string | undefined, warn: Warn): number | undefined {
  if (value === undefined) return undefined
  const number = /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN
  if (number >= 1) return number
  warn('EMETALINKVALUE', `maxconnections ${JSON.stringify(value.slice(0, 40))} is not a positive number; ignored`)
  return undefined
}
