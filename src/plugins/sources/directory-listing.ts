// Reads one directory listing (Apache/nginx autoindex) at depth 1 and returns the links to a given file name in it.
import {load} from 'cheerio'
import type {SourceContext} from '../../core/discovery/source-context.js'
import {lastSegment} from '../../core/discovery/normalise-url.js'

export const LISTING_LIMITS = {maxBytes: 1024 * 1024, maxLinks: 5000}

/** Whether a search result looks like a listing worth reading rather than the file itself. */
export function looksLikeListing(url: string, title: string): boolean {
  return /^https?:\/\//i.test(url) && (url.split(/[?#]/)[0]!.endsWith('/') || /^index of\b/i.test(title.trim()))
}

/** Links in the listing at `url` whose last segment is `name`; never follows a link further. */
export async function findInListing(context: SourceContext, url: string, name: string, signal: AbortSignal): Promise<string[]> {
  const body = await context.fetchText(url, {signal, maxBytes: LISTING_LIMITS.maxBytes})
  const $ = load(body)
  const found = new Set<string>()
  const anchors = $('a[href]').toArray().slice(0, LISTING_LIMITS.maxLinks)
  for (const anchor of anchors) {
    let resolved: string
    try {
      resolved = new URL($(anchor).attr('href') ?? '', url).href
    } catch {
      continue
    }
    if (lastSegment(resolved) === name) found.add(resolved)
  }
  return [...found]
}
