// The shape of a search-engine definition (data, not code) and its validation, for built-ins, the config file and --engine-file.
import {UsageError} from '../errors.js'

export type EngineResults =
  | {selector: string; attribute?: string}
  | {jsonPath: string; titlePath?: string}

export type EngineDefinition = {
  name: string
  kind: 'html' | 'json'
  /** Scheme, host and any path prefix; absent means the user must configure one (SearXNG). */
  base?: string
  /** Appended to base; {query}, {name} and {size} are replaced, URL-encoded. */
  path: string
  /** Query templates; {name} and {size} are replaced. Default: the exact name in quotes, then an "index of" hunt. */
  queries?: string[]
  results: EngineResults
  /** Result links that wrap the target: a query parameter holding it, or base64url after a prefix ("a1" on Bing). */
  unwrap?: {param: string} | {base64Param: string; prefix?: string}
  /** A block whose lines each end in a result link; the last link of each line is taken (axel -S style). */
  pre?: string
  /** Least milliseconds between two requests to this engine; default 1000. */
  intervalMs?: number
  /** Milliseconds the engine may take for all its queries; default 10000. */
  timeoutMs?: number
}

export const DEFAULT_QUERIES = ['"{name}"', '"index of" "{name}"']

function fail(origin: string, message: string): never {
  throw new UsageError(`engine definition in ${origin}: ${message}`, 'ECONFIG')
}

/**
 * Checks one definition from untrusted JSON; throws a usage error that says what is wrong and where.
 * Accepts `url` as shorthand for `base` + `path`.
 */
export function validateEngine(value: unknown, origin: string): EngineDefinition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(origin, 'expected an object')
  const engine = {...(value as Record<string, unknown>)}
  if (typeof engine.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(engine.name)) fail(origin, '"name" must be a simple word')
  const where = `${origin} (${engine.name})`
  if (typeof engine.url === 'string' && engine.path === undefined) {
    // The one-string form, "https://host/search?q={query}", is split so --engine-base can still replace the host.
    const split = /^(https?:\/\/[^/?#]+)(\/.*)$/i.exec(engine.url)
    if (!split) fail(where, '"url" must be an http(s) URL with a path, like "https://host/search?q={query}"')
    engine.base = split[1]
    engine.path = split[2]
    delete engine.url
  }
  if (engine.kind !== 'html' && engine.kind !== 'json') fail(where, '"kind" must be "html" or "json"')
  if (typeof engine.path !== 'string' || !engine.path.includes('{')) fail(where, '"path" must be a string with a {query} placeholder')
  if (engine.base !== undefined && (typeof engine.base !== 'string' || !/^https?:\/\//i.test(engine.base))) {
    fail(where, '"base" must be an http(s) URL')
  }
  const results = engine.results as Record<string, unknown> | undefined
  if (typeof results?.selector !== 'string' && typeof results?.jsonPath !== 'string') {
    fail(where, '"results" needs a "selector" (html) or a "jsonPath" (json)')
  }
  if (engine.queries !== undefined && !(Array.isArray(engine.queries) && engine.queries.every((query) => typeof query === 'string'))) {
    fail(where, '"queries" must be an array of strings')
  }
  if (engine.intervalMs !== undefined && (typeof engine.intervalMs !== 'number' || engine.intervalMs < 0)) {
    fail(where, '"intervalMs" must be a non-negative number')
  }
  if (engine.timeoutMs !== undefined && (typeof engine.timeoutMs !== 'number' || engine.timeoutMs <= 0)) {
    fail(where, '"timeoutMs" must be a positive number')
  }
  return engine as unknown as EngineDefinition
}

/** Accepts an array of definitions or {engines: [...]}, as found in an engine file or the config file. */
export function validateEngineList(value: unknown, origin: string): EngineDefinition[] {
  const list = Array.isArray(value) ? value : (value as {engines?: unknown})?.engines
  if (!Array.isArray(list)) fail(origin, 'expected an array of engines or {"engines": [...]}')
  return list.map((item) => validateEngine(item, origin))
}
