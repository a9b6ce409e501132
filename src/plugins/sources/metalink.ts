// The metalink source: reads Metalink v4/v3 documents (--metalink, or the argument) and reports their file's facts and URLs.
import {MirrorError} from '../../core/errors.js'
import {foundFromMetalink} from '../../core/formats/metalink-found.js'
import {parseMetalink, type MetalinkDocument} from '../../core/formats/metalink-parse.js'
import {markFatal, type SourceContext, type SourceFactory} from '../../core/discovery/source-context.js'
import {isUrlLike} from '../../core/discovery/fetch-text.js'
import {redactText} from '../../core/redact.js'
import type {Found, Query} from '../types.js'

export type ReadMetalinkOptions = {
  /** Resolves relative URLs when the document has no URL of its own (a local file). */
  base?: string
  /** The user named this document: a failure fails the run instead of becoming a warning. */
  required?: boolean
}

/**
 * Fetches and parses one metalink. A document the user named that cannot be read fails the run (one line, its exit
 * code); one found on the way (a neighbour, a describedby Link) becomes a warning. Either way no partial set.
 */
export async function* readMetalink(
  context: SourceContext,
  location: string,
  query: Query,
  signal: AbortSignal,
  options: ReadMetalinkOptions = {},
): AsyncGenerator<Found> {
  const origin = redactText(location)
  const base = options.base ?? (isUrlLike(location) ? location : undefined)
  let document: MetalinkDocument
  try {
    document = parseMetalink(await context.fetchText(location, {signal}), base ? {base} : {})
  } catch (error) {
    signal.throwIfAborted()
    const code = error instanceof MirrorError ? error.code : 'EMETALINK'
    if (options.required && error instanceof MirrorError) {
      throw markFatal(new MirrorError(`${origin}: ${error.message}`, error.code, {cause: error}))
    }
    yield {kind: 'warning', code, message: `${origin}: ${(error as Error).message}`}
    return
  }
  yield* foundFromMetalink(document, query, origin)
}

export const metalinkSource: SourceFactory = {
  name: 'metalink',
  create: (context) => ({
    name: 'metalink',
    async *discover(query, {signal}) {
      const {metalinks, metalinkBase} = context.settings
      for (const location of metalinks) {
        yield* readMetalink(context, location, query, signal, {required: true, ...(metalinkBase ? {base: metalinkBase} : {})})
      }
    },
  }),
}
