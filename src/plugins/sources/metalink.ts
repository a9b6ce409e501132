// The metalink source: reads Metalink v4/v3 documents (--metalink, or the argument) and reports their file's facts and URLs.
import {MirrorError} from '../../core/errors.js'
import {metalinkFileFor, parseMetalink, type MetalinkDocument} from '../../core/formats/metalink-parse.js'
import type {SourceContext, SourceFactory} from '../../core/discovery/source-context.js'
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
  }
  yield {kind: 'target', target}
  for (const url of file.urls) yield {kind: 'url', ...url}
}

/** Fetches and parses one metalink; every failure is a warning, so one bad document spoils nothing else. */
export async function* readMetalink(context: SourceContext, location: string, query: Query, signal: AbortSignal): AsyncGenerator<Found> {
  const origin = redactText(location)
  let document: MetalinkDocument
  try {
    document = parseMetalink(await context.fetchText(location, {signal}))
  } catch (error) {
    signal.throwIfAborted()
    const code = error instanceof MirrorError ? error.code : 'EMETALINK'
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
      for (const location of context.settings.metalinks) yield* readMetalink(context, location, query, signal)
    },
  }),
}
