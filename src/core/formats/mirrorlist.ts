// Reads mirror lists in the formats distributions publish, recognised by content, and writes plain ones.
import {UsageError} from '../errors.js'
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'
import {isCpanMirroredBy, readCpanMirroredBy} from './mirrorlist-cpan.js'
import {isDebianMasterlist, readDebianMasterlist} from './mirrorlist-debian.js'
import type {ListEntry, ListNote, ListReading} from './mirrorlist-entry.js'
import {isGentooMirrors, readGentooMirrors} from './mirrorlist-gentoo.js'
import {isPacmanList, readJsonList, readTextList} from './mirrorlist-text.js'
import {parseXml} from './xml-tree.js'

export type {ListEntry} from './mirrorlist-entry.js'

export type ListOptions = {
  /** Values for pacman-style $variables ($repo, $arch) and Debian's ${CC}. */
  variables?: Record<string, string>
  /** Appended to entries that are base URLs (ending in "/"); the primary's path, or --path. pacman lines get its last segment. */
  path?: string
}

export type ListFormat = 'json' | 'arch-status' | 'pacman' | 'debian-masterlist' | 'gentoo-distfiles' | 'cpan-mirrored-by' | 'urls'

export const LIST_FORMATS_TRIED = 'one URL a line, pacman Server lines, JSON, Arch mirror status, Debian Mirrors.masterlist, Gentoo distfiles.xml, CPAN MIRRORED.BY'

export type ParsedList = {format: ListFormat; entries: ListEntry[]; unresolved: string[]; notes: ListNote[]}

/**
 * Entries in list order, completed with the path; unknown $variables are left in place and reported in
 * `unresolved`. Throws a UsageError (ELISTFORMAT) when the text is in none of the formats, naming them.
 */
export function parseMirrorList(text: string, options: ListOptions = {}): ParsedList {
  const {format, reading} = readAnyFormat(text)
  const unresolved = new Set<string>()
  const path = options.path?.replace(/^\/+/, '')
  const name = path?.split('/').pop()
  const entries = reading.entries.map((entry) => {
    let url = entry.url.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, plain?: string, braced?: string) => {
      const value = options.variables?.[plain ?? braced ?? '']
      if (value === undefined) unresolved.add(plain ?? braced ?? '')
      return value ?? whole
    })
    const suffix = entry.appendName ? name : path
    if (url.endsWith('/') && suffix) url += suffix
    const {appendName: _appendName, ...rest} = entry
    return {...rest, url}
  })
  return {format, entries, unresolved: [...unresolved], notes: reading.notes}
}

function readAnyFormat(text: string): {format: ListFormat; reading: ListReading} {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const reading = readJsonList(trimmed)
    if (reading) return {format: trimmed.startsWith('[') ? 'json' : 'arch-status', reading}
  }
  if (trimmed.startsWith('<')) {
    const root = (() => {
      try {
        return parseXml(trimmed)
      } catch {
        return undefined
      }
    })()
    if (root && isGentooMirrors(root)) return {format: 'gentoo-distfiles', reading: readGentooMirrors(root)}
  }
  if (isDebianMasterlist(text)) return {format: 'debian-masterlist', reading: readDebianMasterlist(text)}
  if (isCpanMirroredBy(text)) return {format: 'cpan-mirrored-by', reading: readCpanMirroredBy(text)}
  const lines = readTextList(text)
  if (lines.entries.length === 0 && lines.others > 0) {
    throw new UsageError(`not a mirror list mirrorkit reads (tried: ${LIST_FORMATS_TRIED})`, 'ELISTFORMAT')
  }
  return {format: isPacmanList(text) ? 'pacman' : 'urls', reading: lines}
}

/** One URL per line under a comment naming the file: readable by people, by `--list`, and by wget -i. */
export function writeMirrorList(set: MirrorSet): string {
  const header = `# mirrors of ${set.target.name.replace(/[\r\n]/g, '')}${set.target.size === undefined ? '' : ` (${set.target.size} bytes)`}, written by mirrorkit`
  return [header, ...set.candidates.map((candidate) => redactUrl(candidate.url))].join('\n') + '\n'
}
