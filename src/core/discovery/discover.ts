// Runs the discovery sources for a URL or a file name concurrently, each under its own timeout, and builds one MirrorSet.
import {deadlineSignal, timeoutSignal} from '../deadline-signal.js'
import {builtinSources} from '../../plugins/index.js'
import type {Query, RemoteInfo, TransportOptions} from '../../plugins/types.js'
import {MirrorError, UsageError} from '../errors.js'
import {MIRRORSET_VERSION, type MirrorSet, type Warning} from '../model.js'
import {redactText, redactUrl} from '../redact.js'
import {TransportSet} from '../transports.js'
import {classifyArgument, looksLikeMetalink, metalinkHint, SNIFF_LIMIT} from './argument.js'
import {CandidateCollector} from './candidate-collector.js'
import {fetchText} from './fetch-text.js'
import {isFatal, type SourceContext, type SourceFactory, type SourceSettings} from './source-context.js'
import {TargetMerger} from './target-merger.js'
import {DISCOVERY_USER_AGENT} from './user-agent.js'
import {DEFAULTS, seconds} from '../defaults.js'

export type DiscoverRequest = Partial<SourceSettings> & {
  /** A primary URL, a metalink (a URL or local file: by name, Content-Type or content), or a bare file name. */
  argument: string
  /** Base URL for relative URLs in metalinks that have no URL of their own (--metalink-base). */
  metalinkBase?: string
  /** Source names to run; default by argument: a URL runs metalink, headers, neighbours, list; a name runs metalink, list, search. */
  sources?: string[]
  /** The target's size, when the user knows it (narrows search queries). */
  size?: number
  /** Most candidates to return (the primary counts). */
  limit?: number
  /** Milliseconds each source may run; default 20000. */
  timeoutMs?: number
  transports?: TransportSet
  transportOptions?: TransportOptions
  factories?: readonly SourceFactory[]
}

const URL_SOURCES = ['metalink', 'headers', 'neighbours', 'list']
const NAME_SOURCES = ['metalink', 'list', 'search']
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024
const DEFAULT_TIMEOUT_MS = seconds(DEFAULTS.sourceTimeoutSeconds)

/**
 * The MirrorSet of everything found. A failing source becomes a warning, except input the user named (a metalink
 * given as the argument or with --metalink) that cannot be read: that fails the run, so no partial set is printed.
 */
export async function discover(request: DiscoverRequest, options: {signal: AbortSignal}): Promise<MirrorSet> {
  const factories = request.factories ?? builtinSources
  const unknown = (request.sources ?? []).filter((name) => !factories.some((factory) => factory.name === name))
  if (unknown.length > 0) {
    throw new UsageError(`unknown source ${unknown.join(', ')} (known: ${factories.map((factory) => factory.name).join(', ')})`)
  }
  const transports = request.transports ?? new TransportSet({userAgent: DISCOVERY_USER_AGENT, ...request.transportOptions})
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const readDocument = (location: string, maxBytes: number) =>
    fetchText(transports, location, {signal: deadlineSignal(options.signal, timeoutMs), maxBytes})
  const argument = await classifyArgument(request.argument, (path, maxBytes) => readDocument(path, maxBytes)).catch(async (error: unknown) => {
    if (!request.transports) await transports.close()
    throw error
  })
  let {primaryUrl, metalink} = argument
  const names = request.sources ?? (primaryUrl || metalink ? URL_SOURCES : NAME_SOURCES)
  const warnings: Warning[] = []
  try {
    let primary = primaryUrl ? await statPrimary(transports, primaryUrl, request.timeoutMs, options.signal, warnings) : undefined
    if (primaryUrl && primary && (await isMetalinkAnswer(primary, () => readDocument(primaryUrl!.href, SNIFF_LIMIT)))) {
      // The URL names a metalink (Fedora's metalink?repo=...): its file is the target, and the URL is no mirror of it.
      metalink = primary.finalUrl
      primaryUrl = undefined
      primary = undefined
    }
    const name = primary?.name || (metalink ? '' : argument.name)
    const merger = new TargetMerger({name, checksums: [], ...(primaryUrl ? {primary: redactUrl(primaryUrl)} : {})})
    merger.merge({size: request.size ?? primary?.size, etag: primary?.etag, modifiedAt: primary?.modifiedAt?.toISOString()}, 'primary')
    const collector = new CandidateCollector()
    if (primaryUrl) collector.add({url: primaryUrl.href}, 'primary')
    const context: SourceContext = {
      settings: settingsFor(request, primaryUrl, metalink),
      ...(primary ? {primary} : {}),
      fetchText: (location, fetchOptions) =>
        fetchText(transports, location, {signal: fetchOptions.signal, maxBytes: fetchOptions.maxBytes ?? DEFAULT_MAX_BYTES}),
    }
    const query: Query = {name, checksums: primary?.digests ?? [], ...(primaryUrl ? {url: primaryUrl.href} : {})}
    const size = request.size ?? primary?.size
    if (size !== undefined) query.size = size
    const selected = factories.filter((factory) => names.includes(factory.name))
    const run: Run = {collector, merger, warnings, timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: options.signal}
    await Promise.all(selected.map((factory) => runSource(factory, context, query, run)))
    options.signal.throwIfAborted()
    if (run.fatal) throw run.fatal
    const target = merger.result()
    const candidates = collector.candidates(request.limit).map((candidate) => ({...candidate, url: redactUrl(candidate.url)}))
    const allWarnings = [...warnings, ...merger.warnings, ...collector.warnings()].map((warning) => ({
      ...warning,
      message: redactText(warning.message),
    }))
    return {version: MIRRORSET_VERSION, target, candidates, ...(allWarnings.length > 0 ? {warnings: allWarnings} : {})}
  } finally {
    if (!request.transports) await transports.close()
  }
}

/** What sources get to know of the request, with the primary's path as the default for base URLs in lists. */
function settingsFor(request: DiscoverRequest, primaryUrl: URL | undefined, metalink: string | undefined): SourceSettings {
  const path = request.path ?? primaryUrl?.pathname.replace(/^\//, '')
  return {
    lists: request.lists ?? [],
    variables: request.variables ?? {},
    metalinks: [...(request.metalinks ?? []), ...(metalink ? [metalink] : [])],
    ...(request.metalinkBase ? {metalinkBase: request.metalinkBase} : {}),
    engines: request.engines ?? [],
    selectedEngines: request.selectedEngines ?? [],
    engineBases: request.engineBases ?? {},
    ...(path === undefined ? {} : {path}),
  }
}

async function statPrimary(
  transports: TransportSet,
  url: URL,
  timeoutMs: number | undefined,
  signal: AbortSignal,
  warnings: Warning[],
): Promise<RemoteInfo | undefined> {
  const transport = transports.for(url)
  try {
    return await transport.stat(url, {signal: deadlineSignal(signal, timeoutMs ?? DEFAULT_TIMEOUT_MS)})
  } catch (error) {
    signal.throwIfAborted()
    // A primary that is down still names the file; its mirrors may be up, and verify judges it later.
    warnings.push(toWarning('primary', error))
    return undefined
  }
}

/** One run's shared state: where findings go, and the limits every source runs under. */
type Run = {collector: CandidateCollector; merger: TargetMerger; warnings: Warning[]; timeoutMs: number; signal: AbortSignal; fatal?: unknown}

async function runSource(factory: SourceFactory, context: SourceContext, query: Query, run: Run): Promise<void> {
  const timeout = timeoutSignal(run.timeoutMs)
  try {
    for await (const found of factory.create(context).discover(query, {signal: AbortSignal.any([run.signal, timeout])})) {
      if (found.kind === 'url') run.collector.add(found, found.via ? `${factory.name}:${found.via}` : factory.name)
      else if (found.kind === 'target') run.merger.merge(found.target, factory.name)
      else run.warnings.push({source: factory.name, message: found.message, ...(found.code ? {code: found.code} : {})})
    }
  } catch (error) {
    if (run.signal.aborted) return
    if (isFatal(error)) run.fatal ??= error
    else if (timeout.aborted) run.warnings.push({source: factory.name, code: 'ETIMEDOUT', message: `stopped after ${run.timeoutMs} ms`})
    else run.warnings.push(toWarning(factory.name, error))
  }
}

/** Whether the primary's answer is a metalink: by its Content-Type, or by reading a small XML-ish or untyped body. */
async function isMetalinkAnswer(info: RemoteInfo, read: () => Promise<string>): Promise<boolean> {
  const hint = metalinkHint(info)
  if (hint !== 'sniff') return hint === 'metalink'
  return looksLikeMetalink(await read().catch(() => ''))
}

function toWarning(source: string, error: unknown): Warning {
  const code = error instanceof MirrorError ? error.code : ((error as {code?: unknown})?.code as string | undefined)
  const message = error instanceof Error ? error.message : String(error)
  return {source, message, ...(typeof code === 'string' ? {code} : {})}
}
