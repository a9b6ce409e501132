// The headers source (RFC 6249): the primary's Link rel=duplicate mirrors, rel=describedby metalinks, and Digest/Repr-Digest.
import {hasRelation, parseLinkHeader, type Link} from '../../core/formats/link-header.js'
import {normaliseUrl} from '../../core/discovery/normalise-url.js'
import type {SourceFactory} from '../../core/discovery/source-context.js'
import type {Found} from '../types.js'
import {readMetalink} from './metalink.js'

const METALINK_TYPES = ['application/metalink4+xml', 'application/metalink+xml']

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

export const linkHeadersSource: SourceFactory = {
  name: 'headers',
  create: (context) => ({
    name: 'headers',
    async *discover(query, {signal}): AsyncGenerator<Found> {
      const primary = context.primary
      if (!primary) return
      if (primary.digests.length > 0) yield {kind: 'target', target: {checksums: primary.digests}}
      const describedBy: string[] = []
      for (const value of primary.links) {
        const {links, malformed} = parseLinkHeader(value)
        if (malformed.length > 0) {
          yield {kind: 'warning', code: 'EHEADER', message: `ignored ${malformed.length} malformed Link header part(s)`}
        }
        for (const link of links) {
          const url = resolve(link.target, primary.finalUrl)
          if (!url) {
            yield {kind: 'warning', code: 'EURL', message: `ignored a Link with a malformed target`}
            continue
          }
          if (hasRelation(link, 'duplicate')) {
            const priority = priorityOf(link)
            const location = link.params.geo?.toLowerCase()
            yield {
              kind: 'url',
              url,
              ...(priority === undefined ? {} : {priority}),
              ...(location && /^[a-z]{2}$/.test(location) ? {location} : {}),
            }
          } else if (hasRelation(link, 'describedby') && METALINK_TYPES.includes((link.params.type ?? '').toLowerCase())) {
            // A server must not make us read a local file (file:///etc/passwd, a FIFO): only mirror schemes are fetched.
            if (normaliseUrl(url).ok) describedBy.push(url)
            else yield {kind: 'warning', code: 'ESCHEME', message: `ignored a describedby Link to an unsupported scheme (${new URL(url).protocol})`}
          }
        }
      }
      // One metalink is plenty; servers that list several describe the same file.
      for (const url of describedBy.slice(0, 3)) yield* readMetalink(context, url, query, signal)
    },
  }),
}
