// Reads CPAN's MIRRORED.BY: one stanza per host, mirror roots in dst_http and dst_ftp (dst_directory "host:/path" in old copies).
import {asDirectory, type ListEntry, type ListReading} from './mirrorlist-entry.js'

export function isCpanMirroredBy(text: string): boolean {
  return /^[ \t]+dst_(http|ftp|directory)[ \t]*=/m.test(text)
}

/** Each host's URLs in file order; dst_rsync is skipped (not a protocol mirrorkit speaks), empty values too. */
export function readCpanMirroredBy(text: string): ListReading {
  const entries: ListEntry[] = []
  let site: string | undefined
  const seen = new Set<string>()
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw) || !raw.trim()) continue
    // A host line starts in column 0; old copies sometimes forgot its colon.
    const host = /^([A-Za-z0-9][A-Za-z0-9.-]*):?\s*$/.exec(raw)
    if (host) {
      site = host[1]!
      continue
    }
    const field = /^\s+(dst_http|dst_ftp|dst_directory)\s*=\s*"([^"]*)"/.exec(raw)
    if (!field || !site || !field[2]!.trim()) continue
    const value = field[2]!.trim()
    const url = field[1] === 'dst_directory' ? directoryUrl(value) : value
    if (!url || seen.has(url)) continue
    seen.add(url)
    entries.push({url: asDirectory(url), site})
  }
  return {entries, notes: []}
}

/** "ftp.funet.fi:/pub/languages/perl/CPAN/" -> ftp://ftp.funet.fi/pub/languages/perl/CPAN/ (what CPAN.pm made of it). */
function directoryUrl(value: string): string | undefined {
  const match = /^([A-Za-z0-9.-]+):(\/.*)$/.exec(value)
  return match ? `ftp://${match[1]}${match[2]}` : undefined
}
