// Reads SHA256SUMS-style checksum files in GNU ("<hex>  name", "<hex> *name") and BSD ("SHA256 (name) = <hex>") formats.
import type {Checksum} from '../model.js'
import {algorithmForHexLength, isHexFor, toHashAlgorithm} from './hash-names.js'

export type ChecksumLine = Checksum & {name: string}

const BSD_LINE = /^([A-Za-z0-9-]+) \((.+)\) = ([0-9a-fA-F]+)$/
const GNU_LINE = /^\\?([0-9a-fA-F]+) [ *](.+)$/

/** Every well-formed line; others (PGP armour, comments, blank lines) are skipped. */
export function parseChecksumFile(text: string): ChecksumLine[] {
  const lines: ChecksumLine[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd()
    const bsd = BSD_LINE.exec(line)
    if (bsd) {
      const algorithm = toHashAlgorithm(bsd[1]!)
      if (algorithm && isHexFor(algorithm, bsd[3]!)) lines.push({algorithm, hex: bsd[3]!.toLowerCase(), name: bsd[2]!})
      continue
    }
    const gnu = GNU_LINE.exec(line)
    if (gnu) {
      const algorithm = algorithmForHexLength(gnu[1]!)
      // A leading backslash marks a GNU line whose name has escaped "\n" and "\\".
      const name = line.startsWith('\\') ? gnu[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\') : gnu[2]!
      if (algorithm) lines.push({algorithm, hex: gnu[1]!.toLowerCase(), name})
    }
  }
  return lines
}

/** The checksums listed for exactly `name` (or "./name"); lines for other files are ignored. */
export function checksumsFor(text: string, name: string): Checksum[] {
  return parseChecksumFile(text)
    .filter((line) => line.name === name || line.name === `./${name}`)
    .map(({algorithm, hex}) => ({algorithm, hex}))
}

/**
 * The checksums a checksum file gives for `name`: a "<file>.sha256"-style neighbour often holds just
 * the hex (its algorithm told by its length), or names the file by another path; SUMS files list many.
 */
export function checksumsInFile(text: string, name: string): Checksum[] {
  const bare = /^\s*([0-9a-fA-F]+)\s*$/.exec(text)
  const algorithm = bare ? algorithmForHexLength(bare[1]!) : undefined
  if (bare && algorithm) return [{algorithm, hex: bare[1]!.toLowerCase()}]
  return checksumsFor(text, name)
}
