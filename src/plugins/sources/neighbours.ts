// The neighbours source: files published next to the primary (<url>.meta4, .metalink, .sha256, .sha512, SHA256SUMS, SHA512SUMS).
import {MirrorError} from '../../core/errors.js'
import {checksumsInFile} from '../../core/formats/checksum-files.js'
import {parseMetalink} from '../../core/formats/metalink-parse.js'
import type {SourceContext, SourceFactory} from '../../core/discovery/source-context.js'
import type {Found, Query} from '../types.js'
import {foundFromMetalink} from '../../core/formats/metalink-found.js'

const CHECKSUM_LIMIT = 1024 * 1024

/** The neighbour's text, or undefined when it is missing or unreadable: absent neighbours are normal, so silent. */
async function tryFetch(context: SourceContext, url: string, signal: AbortSignal, maxBytes?: number): Promise<string | undefined> {
  try {
    return await context.fetchText(url, {signal, ...(maxBytes === undefined ? {} : {maxBytes})})
  } catch (error) {
    signal.throwIfAborted()
    if (error instanceof MirrorError && error.code === 'ETOOLARGE') throw error
    return undefined
  }
}

async function* fromMetalinkNeighbour(context: SourceContext, url: string, query: Query, signal: AbortSignal): AsyncGenerator<Found> {
  const text = await tryFetch(context, url, signal)
  if (text === undefined) return
  try {
    yield* foundFromMetalink(parseMetalink(text, {base: url}), query, url)
  } catch (error) {
    yield {kind: 'warning', code: error instanceof MirrorError ? error.code : 'EMETALINK', message: `${url}: ${(error as Error).message}`}
  }
}

async function* fromChecksumNeighbour(context: SourceContext, url: string, name: string, signal: AbortSignal): AsyncGenerator<Found> {
  const text = await tryFetch(context, url, signal, CHECKSUM_LIMIT)
  if (text === undefined) return
  const checksums = checksumsInFile(text, name)
  if (checksums.length > 0) yield {kind: 'target', target: {checksums}}
}

export const neighboursSource: SourceFactory = {
  name: 'neighbours',
  create: (context) => ({
    name: 'neighbours',
    async *discover(query, {signal}): AsyncGenerator<Found> {
      const base = context.primary?.finalUrl ?? query.url
      if (!base || !query.name) return
      const url = new URL(base)
      url.search = ''
      url.hash = ''
      const file = url.href
      const directory = new URL('./', url).href
      const jobs = [
        fromMetalinkNeighbour(context, `${file}.meta4`, query, signal),
        fromMetalinkNeighbour(context, `${file}.metalink`, query, signal),
        fromChecksumNeighbour(context, `${file}.sha256`, query.name, signal),
        fromChecksumNeighbour(context, `${file}.sha512`, query.name, signal),
        fromChecksumNeighbour(context, `${directory}SHA256SUMS`, query.name, signal),
        fromChecksumNeighbour(context, `${directory}SHA512SUMS`, query.name, signal),
      ]
      // Fetched one after another: six tiny requests to one server do not need a burst.
      for (const job of jobs) {
        try {
          yield* job
        } catch (error) {
          signal.throwIfAborted()
          yield {kind: 'warning', code: error instanceof MirrorError ? error.code : 'ENEIGHBOUR', message: (error as Error).message}
        }
      }
    },
  }),
}
