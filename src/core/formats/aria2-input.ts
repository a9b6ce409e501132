// Writes an aria2 input file (aria2c -i): the mirrors of one file on one tab-separated line, then its options indented.
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'
import {strongestFirst, toMetalinkHashType} from './hash-names.js'

/** aria2 treats every URL on one line as a mirror of the same file, which is exactly a MirrorSet. */
export function writeAria2Input(set: MirrorSet): string {
  // Tabs and newlines inside a URL would split the line into other downloads.
  const urls = set.candidates.map((candidate) => redactUrl(candidate.url)).filter((url) => !/[\t\r\n]/.test(url))
  const lines = [urls.join('\t'), `  out=${set.target.name.replace(/[\r\n]/g, '')}`]
  const strongest = strongestFirst(set.target.checksums)[0]
  if (strongest) lines.push(`  checksum=${toMetalinkHashType(strongest.algorithm)}=${strongest.hex}`)
  return lines.join('\n') + '\n'
}
