// Reads a file's Link header values (RFC 6249): the mirrors they name (rel=duplicate) and the metalinks that describe the file (rel=describedby).
import {hasRelation, parseLinkHeader, type Link} from '../formats/link-header.js'
import {normaliseUrl} from './normalise-url.js'

const METALINK_TYPES = ['application/metalink4+xml', 'application/metalink+xml']

export type DuplicateLink = {url: string; priority?: number; location?: string}

export type LinkRelations = {
  duplicates: DuplicateLink[]
  /** Metalink URLs, only with schemes we download from. */
  describedBy: string[]
  warnings: Array<{code: string; message: string}>
}

/** RFC 6249 priorities are 1..999999, lower preferred; anything else is ignored rather than trusted. */
function priorityOf(link: Link): number | undefined {
  const priority = Number(link.params.pri)
  return link.params.pri !== undefined && Number.isSafeInteger(priority) && priority >= 1 && priority <= 999_999 ? priority : undefined
}

function resolve(target: string, base: string): string | undefined {
  try {
    return new URL(target, base).href
  } catch {
    return undefined
  }
}

/** Every duplicate and describedby link of `values`, resolved against `base` (the file's final URL). */
export function linkRelations(values: readonly string[], base: string): LinkRelations {
  const relations: LinkRelations = {duplicates: [], describedBy: [], warnings: []}
  for (const value of values) {
    const {links, malformed} = parseLinkHeader(value)
    if (malformed.length > 0) relations.warnings.push({code: 'EHEADER', message: `ignored ${malformed.length} malformed Link header part(s)`})
    for (const link of links) {
      const url = resolve(link.target, base)
      if (!url) {
        relations.warnings.push({code: 'EURL', message: `ignored a Link with a malformed target`})
        continue
      }
      if (hasRelation(link, 'duplicate')) {
        const priority = priorityOf(link)
        const location = link.params.geo?.toLowerCase()
        relations.duplicates.push({url, ...(priority === undefined ? {} : {priority}), ...(location && /^[a-z]{2}$/.test(location) ? {location} : {})})
      } else if (hasRelation(link, 'describedby') && METALINK_TYPES.includes((link.params.type ?? '').toLowerCase())) {
        // A server must not make us read a local file (file:///etc/passwd, a FIFO): only mirror schemes are fetched.
        if (normaliseUrl(url).ok) relations.describedBy.push(url)
        else relations.warnings.push({code: 'ESCHEME', message: `ignored a describedby Link to an unsupported scheme (${new URL(url).protocol})`})
      }
    }
  }
  return relations
}
