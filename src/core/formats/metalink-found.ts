// A parsed metalink as discovery finds: the file's facts, its URLs and the document's warnings (shared by the metalink and neighbours sources and batch discovery).
import type {Found, Query} from '../../plugins/types.js'
import {metalinkFileFor, type MetalinkDocument} from './metalink-parse.js'

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
