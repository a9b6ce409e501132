// The search source: queries every selected engine concurrently (one request per engine per second) and keeps hits named like the file.
import {timeoutSignal} from '../../core/deadline-signal.js'
import {DEFAULT_QUERIES, type EngineDefinition} from '../../core/discovery/engine-definition.js'
import {lastSegment} from '../../core/discovery/normalise-url.js'
import type {SourceContext, SourceFactory} from '../../core/discovery/source-context.js'
import {redactText} from '../../core/redact.js'
import type {Found, Query} from '../types.js'
import {findInListing, looksLikeListing} from './directory-listing.js'
import {builtinEngines} from './engines/builtin.js'
import {RateGate} from './rate-gate.js'
import {extractResults} from './search-results.js'

const PAGE_LIMIT = 2 * 1024 * 1024
const LISTINGS_PER_ENGINE = 10
const DEFAULT_ENGINE_TIMEOUT_MS = 10_000

/** Built-ins overridden by the user's definitions of the same name, bases applied, narrowed to the selected names. */
export function resolveEngines(context: SourceContext): {engines: EngineDefinition[]; unknown: string[]} {
  const byName = new Map<string, EngineDefinition>()
  for (const engine of [...builtinEngines, ...context.settings.engines]) byName.set(engine.name, engine)
  for (const [name, base] of Object.entries(context.settings.engineBases)) {
    const engine = byName.get(name)
    if (engine) byName.set(name, {...engine, base})
  }
  const selected = context.settings.selectedEngines
  const named = [...selected, ...Object.keys(context.settings.engineBases)]
  const unknown = [...new Set(named.filter((name) => !byName.has(name)))]
  const engines = selected.length === 0 ? [...byName.values()] : selected.flatMap((name) => byName.get(name) ?? [])
  return {engines, unknown}
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? encodeURIComponent(values[key]!) : whole))
}

/** Everything one engine finds; its failures become warnings naming the engine. */
async function searchEngine(context: SourceContext, engine: EngineDefinition, query: Query, outerSignal: AbortSignal): Promise<Found[]> {
  if (!engine.base) {
    return [{kind: 'warning', code: 'ESKIPPED', message: `${engine.name}: no base URL configured, skipped (set it with --engine-base ${engine.name}=URL or in the config file)`}]
  }
  const found: Found[] = []
  const gate = new RateGate(engine.intervalMs ?? 1000)
  const timeoutMs = engine.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS
  const timeout = timeoutSignal(timeoutMs)
  const signal = AbortSignal.any([outerSignal, timeout])
  const size = query.size === undefined ? '' : String(query.size)
  let links = 0
  let listings = 0
  try {
    for (const template of engine.queries ?? DEFAULT_QUERIES) {
      const text = template.replace(/\{name\}/g, query.name).replace(/\{size\}/g, size)
      const pageUrl = engine.base.replace(/\/+$/, '') + fill(engine.path, {query: text, name: query.name, size})
      const page = await gate.run(() => context.fetchText(pageUrl, {signal, maxBytes: PAGE_LIMIT}), signal)
      const results = extractResults(engine, page, pageUrl)
      links += results.length
      for (const result of results) {
        if (result.url === query.url) continue
        if (lastSegment(result.url) === query.name) {
          found.push({kind: 'url', url: result.url, via: engine.name})
        } else if (looksLikeListing(result.url, result.title) && listings < LISTINGS_PER_ENGINE) {
          listings++
          found.push(...(await fromListing(context, result.url, query.name, engine.name, signal)))
        }
      }
    }
  } catch (error) {
    outerSignal.throwIfAborted()
    const message = timeout.aborted ? `no answer within ${timeoutMs} ms` : redactText((error as Error).message)
    found.push({kind: 'warning', code: timeout.aborted ? 'ETIMEDOUT' : 'EENGINE', message: `${engine.name}: ${message}`})
    return found
  }
  if (links === 0) {
    found.push({kind: 'warning', code: 'EENGINEMARKUP', message: `${engine.name}: its pages yielded no result links; the engine definition may need fixing`})
  }
  return found
}

async function fromListing(context: SourceContext, url: string, name: string, via: string, signal: AbortSignal): Promise<Found[]> {
  try {
    return (await findInListing(context, url, name, signal)).map((link) => ({kind: 'url', url: link, via}))
  } catch (error) {
    signal.throwIfAborted()
    return [{kind: 'warning', code: 'ELISTING', message: `${via}: listing ${redactText(url)}: ${(error as Error).message}`}]
  }
}

export const searchEnginesSource: SourceFactory = {
  name: 'search',
  create: (context) => ({
    name: 'search',
    async *discover(query, {signal}): AsyncGenerator<Found> {
      if (!query.name) return
      const {engines, unknown} = resolveEngines(context)
      for (const name of unknown) yield {kind: 'warning', code: 'EUSAGE', message: `unknown engine ${JSON.stringify(name)}`}
      // Yielded as each engine finishes, so a source timeout keeps what the faster engines found.
      const pending = new Map(engines.map((engine, index) => [index, searchEngine(context, engine, query, signal).then((found) => ({index, found}))]))
      while (pending.size > 0) {
        const {index, found} = await Promise.race(pending.values())
        pending.delete(index)
        yield* found
      }
    },
  }),
}
