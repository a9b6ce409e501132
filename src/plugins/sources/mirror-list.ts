// The list source: mirror lists from files or URLs (--list, config lists) in any format mirrorkit reads, $variables filled in.
import {MirrorError} from '../../core/errors.js'
import {parseMirrorList} from '../../core/formats/mirrorlist.js'
import {markFatal, type SourceFactory} from '../../core/discovery/source-context.js'
import {redactText} from '../../core/redact.js'
import type {Found} from '../types.js'

export const mirrorListSource: SourceFactory = {
  name: 'list',
  create: (context) => ({
    name: 'list',
    async *discover(query, {signal}): AsyncGenerator<Found> {
      const {lists, variables} = context.settings
      const path = context.settings.path ?? query.name
      for (const location of lists) {
        const origin = redactText(location)
        let parsed
        try {
          parsed = parseMirrorList(await context.fetchText(location, {signal}), {variables, path})
        } catch (error) {
          signal.throwIfAborted()
          // A list the user named that cannot be read fails the run: a curator must not publish a set missing a list.
          if (error instanceof MirrorError) throw markFatal(new MirrorError(`${origin}: ${error.message}`, error.code, {cause: error}))
          throw error
        }
        const {entries, unresolved, notes} = parsed
        for (const note of notes) yield {kind: 'warning', code: note.code, message: `${origin}: ${note.message}`}
        if (unresolved.length > 0) {
          yield {kind: 'warning', code: 'EVARIABLE', message: `${origin}: no value for ${unresolved.map((name) => `$${name}`).join(', ')} (use --var name=value)`}
        }
        if (entries.length === 0) yield {kind: 'warning', code: 'ELIST', message: `${origin}: no mirror URLs in it (read as ${parsed.format})`}
        for (const entry of entries) {
          if (/\$\{?\w/.test(entry.url)) continue
          yield {kind: 'url', ...entry}
        }
      }
    },
  }),
}
