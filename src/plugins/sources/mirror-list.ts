// The list source: mirror lists from files or URLs (--list), with base URLs completed by the file's path and $variables filled in.
import {MirrorError} from '../../core/errors.js'
import {parseMirrorList} from '../../core/formats/mirrorlist.js'
import type {SourceFactory} from '../../core/discovery/source-context.js'
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
        let text: string
        try {
          text = await context.fetchText(location, {signal})
        } catch (error) {
          signal.throwIfAborted()
          yield {kind: 'warning', code: error instanceof MirrorError ? error.code : 'ELIST', message: `${redactText(location)}: ${(error as Error).message}`}
          continue
        }
        const {entries, unresolved} = parseMirrorList(text, {variables, path})
        if (unresolved.length > 0) {
          yield {kind: 'warning', code: 'EVARIABLE', message: `${redactText(location)}: no value for ${unresolved.map((name) => `$${name}`).join(', ')} (use --var name=value)`}
        }
        if (entries.length === 0) yield {kind: 'warning', code: 'ELIST', message: `${redactText(location)}: no mirror URLs in it`}
        for (const entry of entries) {
          if (/\$\w/.test(entry.url)) continue
          yield {kind: 'url', url: entry.url, ...(entry.location ? {location: entry.location} : {})}
        }
      }
    },
  }),
}
