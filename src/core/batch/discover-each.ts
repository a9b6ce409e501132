// Discovery that yields one MirrorSet per file: a metalink describing several files gives a set for each (or for the --select'ed ones).
import {foundFromMetalink} from '../formats/metalink-found.js'
import {classifyArgument, SNIFF_LIMIT} from '../discovery/argument.js'
import {CandidateCollector} from '../discovery/candidate-collector.js'
import {discover, type DiscoverRequest} from '../discovery/discover.js'
import {fetchText, isUrlLike} from '../discovery/fetch-text.js'
import {TargetMerger} from '../discovery/target-merger.js'
import {DISCOVERY_USER_AGENT} from '../discovery/user-agent.js'
import {MirrorError, UsageError} from '../errors.js'
import {parseMetalink, type MetalinkDocument, type MetalinkFile} from '../formats/metalink-parse.js'
import {MIRRORSET_VERSION, type MirrorSet, type Warning} from '../model.js'
import {redactText, redactUrl} from '../redact.js'
import {TransportSet} from '../transports.js'

const METALINK_MAX_BYTES = 4 * 1024 * 1024

export type DiscoverEachRequest = DiscoverRequest & {
  /** Only the files with these names (or last path segments), as aria2's --select-file. */
  select?: string[]
}

const matches = (file: MetalinkFile, name: string) => file.name === name || file.name.split('/').pop() === name

/**
 * One MirrorSet per file the argument describes. A metalink of several files becomes a set per file,
 * from the metalink alone (its URLs, sizes, hashes and pieces); anything else runs discover as usual.
 */
export async function discoverEach(request: DiscoverEachRequest, options: {signal: AbortSignal}): Promise<MirrorSet[]> {
  const transports = request.transports ?? new TransportSet({userAgent: DISCOVERY_USER_AGENT, ...request.transportOptions})
  try {
    const read = (location: string, maxBytes: number) => fetchText(transports, location, {signal: options.signal, maxBytes})
    const {metalink} = await classifyArgument(request.argument, (path) => read(path, SNIFF_LIMIT))
    if (metalink) {
      const base = request.metalinkBase ?? (isUrlLike(metalink) ? metalink : undefined)
      const document = await read(metalink, METALINK_MAX_BYTES)
        .then((text) => parseMetalink(text, base ? {base} : {}))
        .catch((error: unknown) => {
          options.signal.throwIfAborted()
          // As discover says it: the document the user named, then what is wrong with it.
          throw error instanceof MirrorError ? new MirrorError(`${redactText(metalink)}: ${error.message}`, error.code, {cause: error}) : error
        })
      if (document.files.length > 1 || request.select?.length) return setsOf(document, redactText(metalink), request.select)
    }
    return [await discover({...request, transports}, options)]
  } finally {
    if (!request.transports) await transports.close()
  }
}

function setsOf(document: MetalinkDocument, origin: string, select: readonly string[] | undefined): MirrorSet[] {
  const unknown = (select ?? []).filter((name) => !document.files.some((file) => matches(file, name)))
  if (unknown.length > 0) {
    throw new UsageError(`--select: ${origin} has no file named ${unknown.map((name) => JSON.stringify(name)).join(', ')} (it has ${document.files.map((file) => JSON.stringify(file.name)).join(', ')})`)
  }
  const files = select?.length ? document.files.filter((file) => select.some((name) => matches(file, name))) : document.files
  return files.map((file, index) => {
    const merger = new TargetMerger({name: '', checksums: []})
    const collector = new CandidateCollector()
    // The document's own warnings go with the first set only, not once per file.
    const warnings: Warning[] = index === 0 ? document.warnings.map((warning) => ({source: 'metalink', code: warning.code, message: `${origin}: ${warning.message}`})) : []
    for (const found of foundFromMetalink({...document, files: [file], warnings: []}, {name: file.name, checksums: []}, origin)) {
      if (found.kind === 'url') collector.add(found, 'metalink')
      else if (found.kind === 'target') merger.merge(found.target, 'metalink')
      else warnings.push({source: 'metalink', message: redactText(found.message), ...(found.code ? {code: found.code} : {})})
    }
    const candidates = collector.candidates().map((candidate) => ({...candidate, url: redactUrl(candidate.url)}))
    const all = [...warnings, ...merger.warnings, ...collector.warnings()]
    return {version: MIRRORSET_VERSION, target: merger.result(), candidates, ...(all.length > 0 ? {warnings: all} : {})}
  })
}
