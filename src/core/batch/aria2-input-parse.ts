// Parses aria2c's input-file format (aria2c -i): the URIs of one file on a line, then indented option lines.
import {UsageError} from '../errors.js'
import type {Checksum} from '../model.js'
import {isHexFor, toHashAlgorithm} from '../formats/hash-names.js'
import {unsafeNameReason} from '../formats/safe-name.js'

export type Aria2Entry = {
  /** The file's mirrors, in the order given. */
  urls: string[]
  /** `out=`: the file name (a safe relative path) in its directory. */
  out?: string
  /** `dir=`: the directory, as given (relative to the working directory). */
  dir?: string
  checksums: Checksum[]
  /** The line of its URIs, for messages. */
  line: number
}

export type Aria2Input = {entries: Aria2Entry[]; warnings: string[]}

const SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:', 'sftp:', 'file:'])

function malformed(line: number, message: string): never {
  throw new UsageError(`input file line ${line}: ${message}; nothing was downloaded`, 'EINPUT')
}

/**
 * URIs are separated by tabs in aria2; spaces are accepted too, since a URL cannot hold a raw space and
 * aria2's own manual prints its example with spaces.
 */
function parseUris(text: string, line: number): string[] {
  return text
    .trim()
    .split(/[\t ]+/)
    .map((uri) => {
      let url: URL
      try {
        url = new URL(uri)
      } catch {
        malformed(line, `${JSON.stringify(uri.slice(0, 200))} is not a URL`)
      }
      if (!SCHEMES.has(url.protocol)) malformed(line, `unsupported scheme in ${JSON.stringify(uri.slice(0, 200))} (http, https, ftp, ftps, sftp, file)`)
      return uri
    })
}

/** aria2's `checksum=TYPE=DIGEST`, e.g. `sha-256=<hex>`. */
function parseAria2Checksum(value: string, line: number): Checksum {
  const index = value.indexOf('=')
  const algorithm = index > 0 ? toHashAlgorithm(value.slice(0, index)) : undefined
  const hex = value.slice(index + 1).trim().toLowerCase()
  if (!algorithm) malformed(line, `checksum wants TYPE=DIGEST with sha-256, sha-512, sha-1 or md5 (got ${JSON.stringify(value.slice(0, 200))})`)
  if (!isHexFor(algorithm, hex)) malformed(line, `${JSON.stringify(hex.slice(0, 200))} is not a ${algorithm} digest in hex`)
  return {algorithm, hex}
}

/** Throws EINPUT naming the first malformed line; unknown options are collected into one warning. */
export function parseAria2Input(text: string): Aria2Input {
  const entries: Aria2Entry[] = []
  const ignored = new Map<string, number[]>()
  const lines = text.split(/\r?\n/)
  for (const [index, raw] of lines.entries()) {
    const line = index + 1
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    if (!/^[\t ]/.test(raw)) {
      entries.push({urls: parseUris(raw, line), checksums: [], line})
      continue
    }
    const entry = entries.at(-1)
    if (!entry) malformed(line, 'an indented option line comes before any line of URIs')
    const option = raw.trim()
    const equals = option.indexOf('=')
    if (equals <= 0) malformed(line, `expected an option as name=value, got ${JSON.stringify(option.slice(0, 200))}`)
    const name = option.slice(0, equals).trim()
    const value = option.slice(equals + 1).trim()
    if (name === 'out') {
      const reason = unsafeNameReason(value)
      if (reason) malformed(line, `out=${JSON.stringify(value.slice(0, 200))} ${reason}`)
      entry.out = value
    } else if (name === 'dir') {
      if (value === '' || value.includes('\0')) malformed(line, 'dir= needs a directory')
      entry.dir = value
    } else if (name === 'checksum') {
      entry.checksums.push(parseAria2Checksum(value, line))
    } else {
      ignored.set(name, [...(ignored.get(name) ?? []), line])
    }
  }
  const warnings = [...ignored].map(([name, at]) => `input file: option "${name}" is not used by mirrorkit and was ignored (line${at.length > 1 ? 's' : ''} ${at.slice(0, 5).join(', ')}${at.length > 5 ? ', …' : ''})`)
  return {entries, warnings}
}
