// The headers source (RFC 6249): the primary's Link rel=duplicate mirrors, rel=describedby metalinks, and Digest/Repr-Digest.
import {linkRelations} from '../../core/discovery/link-relations.js'
import type {SourceFactory} from '../../core/discovery/source-context.js'
import type {Found} from '../types.js'
import {readMetalink} from './metalink.js'

export const linkHeadersSource: SourceFactory = {
  name: 'headers',
  create: (context) => ({
    name: 'headers',
    async *discover(query, {signal}): AsyncGenerator<Found> {
      const primary = context.primary
      if (!primary) return
      if (primary.digests.length > 0) yield {kind: 'target', target: {checksums: primary.digests}}
      const {duplicates, describedBy, warnings} = linkRelations(primary.links, primary.finalUrl)
      for (const warning of warnings) yield {kind: 'warning', ...warning}
      for (const duplicate of duplicates) yield {kind: 'url', ...duplicate}
      // One metalink is plenty; servers that list several describe the same file.
      for (const url of describedBy.slice(0, 3)) yield* readMetalink(context, url, query, signal)
    },
  }),
}
