// Extracts result links from one engine's page (HTML by selector, JSON by path) and unwraps redirect links to their targets.
import {load} from 'cheerio'
import type {EngineDefinition} from '../../core/discovery/engine-definition.js'

export type ResultLink = {url: string; title: string}

const MAX_RESULTS = 200

/** Links in page order, resolved against the page URL and unwrapped; at most 200. */
export function extractResults(engine: EngineDefinition, body: string, pageUrl: string): ResultLink[] {
  const raw = engine.kind === 'json' ? jsonResults(engine, body) : htmlResults(engine, body)
  return raw.slice(0, MAX_RESULTS).map((link) => ({url: unwrap(engine, resolve(link.url, pageUrl)), title: link.title}))
}

function htmlResults(engine: EngineDefinition, body: string): ResultLink[] {
  if (!('selector' in engine.results)) return []
  const {selector, attribute = 'href'} = engine.results
  const $ = load(body)
  if (engine.pre) {
    // Each line of the block is one hit; its last link is the file (earlier ones are hosts and folders).
    const links: ResultLink[] = []
    $(engine.pre).each((_, block) => {
      for (const line of ($(block).html() ?? '').split('\n')) {
        // Stop at the result limit rather than parse every line of an enormous block.
        if (links.length >= MAX_RESULTS) return false
        const anchor = load(line)(selector).last()
        const url = anchor.attr(attribute)
        if (url) links.push({url, title: anchor.text().trim()})
      }
    })
    return links
  }
  return $(selector)
    .toArray()
    .slice(0, MAX_RESULTS)
    .map((element) => ({url: $(element).attr(attribute) ?? '', title: $(element).text().trim()}))
    .filter((link) => link.url !== '')
}

function jsonResults(engine: EngineDefinition, body: string): ResultLink[] {
  if (!('jsonPath' in engine.results)) return []
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return []
  }
  const {jsonPath, titlePath} = engine.results
  // "results[].url" with "results[].title": read both from the same item, so an item without a URL cannot shift the titles.
  const split = jsonPath.lastIndexOf('[].')
  const itemsPath = split >= 0 ? jsonPath.slice(0, split + 2) : undefined
  if (itemsPath && titlePath?.startsWith(`${itemsPath}.`)) {
    const urlField = jsonPath.slice(split + 3)
    const titleField = titlePath.slice(itemsPath.length + 1)
    return walk(value, itemsPath).flatMap((item) => {
      const url = walk(item, urlField)[0]
      const title = walk(item, titleField)[0]
      return typeof url === 'string' ? [{url, title: typeof title === 'string' ? title : ''}] : []
    })
  }
  return walk(value, jsonPath).flatMap((url) => (typeof url === 'string' ? [{url, title: ''}] : []))
}

/** A tiny path language: "results[].url" walks into results, over every element, then into url. */
export function walk(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value]
  for (const segment of path.split('.')) {
    const each = segment.endsWith('[]')
    const key = each ? segment.slice(0, -2) : segment
    const next: unknown[] = []
    for (const item of current) {
      const child = key === '' ? item : (item as Record<string, unknown> | null)?.[key]
      if (each) {
        if (Array.isArray(child)) next.push(...child)
      } else if (child !== undefined) {
        next.push(child)
      }
    }
    current = next
  }
  return current
}

function resolve(url: string, base: string): string {
  try {
    return new URL(url, base).href
  } catch {
    return url
  }
}

function unwrap(engine: EngineDefinition, url: string): string {
  if (!engine.unwrap) return url
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  if ('param' in engine.unwrap) return parsed.searchParams.get(engine.unwrap.param) ?? url
  const wrapped = parsed.searchParams.get(engine.unwrap.base64Param)
  const prefix = engine.unwrap.prefix ?? ''
  if (!wrapped || !wrapped.startsWith(prefix)) return url
  const decoded = Buffer.from(wrapped.slice(prefix.length), 'base64url').toString('utf8')
  return /^[a-z][a-z0-9+.-]*:/i.test(decoded) ? decoded : url
}
