// The metalink source: reads Metalink v4/v3 documents (--metalink, or the argument) and reports their file's facts and URLs.
import {MirrorError} from '../../core/errors.js'
import {metalinkFileFor, parseMetalink, type MetalinkDocument} from '../../core/formats/metalink-parse.js'
import {markFatal, type SourceContext, type SourceFactory} from '../../core/discovery/source-context.js'
import {isUrlLike} from '../../core/discovery/fetch-text.js'
import {redactText} from '../../core/redact.js'
import type {Found, Query} from '../types.js'

/** Facts, URLs and warnings from one parsed document. */
export function* foundFromMetalink(document: MetalinkDocument, query: Query, origin: string): Generator<Found> {
  for (const warning of document.warnings) yield {kind: 'warning', code: warning.code, message: `${origin}: ${warning.message}`}
  const file = metalinkFileFor(document, query.name)
  if (!file) {
    if (document.files.length > 0) yield {kind: 'warning', code: 'ENOTFOUND', message: `${origin}: no file named ${JSON.stringify(query.name)}`}
    return
  }
  if (!query.name && document.files.length > 1) {
    yield {kind: 'warning', code: 'EMULTIFILE', message: `${origin}: describes ${document.files.length} files; using the first, ${JSON.stringify(file.name)}`}
  }
  if (query.name && file.name !== query.name && file.name.split('/').pop() !== query.name) {
    yield {kind: 'warning', code: 'ENAME', message: `${origin}: its only file is named ${JSON.stringify(file.name)}, not ${JSON.stringify(query.name)}`}
  }
  const target = {
    name: file.name.split('/').pop()!,
    checksums: file.checksums,
    ...(file.size === undefined ? {} : {size: file.size}),
    ...(file.pieces ? {pieces: file.pieces} : {}),
    ...(file.alternates ? {alternates: file.alternates.map(({size, checksums}) => ({checksums, ...(size === undefined ? {} : {size})}))} : {}),
  }
  yield {kind: 'target', target}
  for (const url of file.urls) yield {kind: 'url', ...url}
}

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
