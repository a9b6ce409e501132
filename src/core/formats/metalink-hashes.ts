// Reads a metalink file's <hash> and <pieces> elements strictly: every bad value is dropped with a warning that says why.
import type {Checksum, PieceHashes} from '../model.js'
import {isHexFor, strongestFirst, toHashAlgorithm} from './hash-names.js'
import {attributeOf, childrenNamed, type XmlElement} from './xml-tree.js'

export type MetalinkWarning = {message: string; code: string}

/** Where hashes live in one document version, and who to tell about dropped values. */
export type HashContext = {namespace: string; file: string; warnings: MetalinkWarning[]}

function warn(context: HashContext, code: string, message: string): void {
  context.warnings.push({code, message: `file ${JSON.stringify(context.file)}: ${message}`})
}

const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

/** Whole-file hashes, strongest first; a missing type, an unknown type or a value of the wrong form is dropped. */
export function checksumsOf(holder: XmlElement, context: HashContext): Checksum[] {
  const found: Checksum[] = []
  for (const element of childrenNamed(holder, context.namespace, 'hash')) {
    const type = attributeOf(element, 'type')
    const hex = element.text.trim().toLowerCase()
    if (!type) {
      warn(context, 'EMETALINKVALUE', `a <hash> without a type was dropped`)
      continue
    }
    const algorithm = toHashAlgorithm(type)
    if (!algorithm) {
      warn(context, 'EMETALINKSKIP', `hash type ${shown(type)} is not supported; skipped`)
      continue
    }
    if (!isHexFor(algorithm, hex)) {
      warn(context, 'EMETALINKVALUE', `${type} value ${shown(hex)} is not a ${algorithm} digest; dropped`)
      continue
    }
    found.push({algorithm, hex})
  }
  return strongestFirst(found)
}

const PIECE_PREFERENCE = ['sha512', 'sha256', 'sha1', 'md5']

/**
 * The strongest valid <pieces> element. Each element is checked whole (type, length, every hash, numbering in v3,
 * and the count against the size when known); one bad part drops that element, never silently a single piece.
 */
export function piecesOf(holder: XmlElement, size: number | undefined, context: HashContext): PieceHashes | undefined {
  const valid: PieceHashes[] = []
  for (const element of childrenNamed(holder, context.namespace, 'pieces')) {
    const pieces = onePieces(element, size, context)
    if (pieces) valid.push(pieces)
  }
  valid.sort((a, b) => PIECE_PREFERENCE.indexOf(a.algorithm) - PIECE_PREFERENCE.indexOf(b.algorithm))
  return valid[0]
}

function onePieces(element: XmlElement, size: number | undefined, context: HashContext): PieceHashes | undefined {
  const type = attributeOf(element, 'type')
  const lengthText = attributeOf(element, 'length')?.trim() ?? ''
  if (!type) return void warn(context, 'EMETALINKVALUE', '<pieces> without a type dropped')
  const algorithm = toHashAlgorithm(type)
  // zsync checksums and other types we cannot compute are common (MirrorBrain lists them first): a note, not a fault.
  if (!algorithm) return void warn(context, 'EMETALINKSKIP', `pieces of type ${shown(type)} are not supported; skipped`)
  if (!/^\d{1,12}$/.test(lengthText) || Number(lengthText) <= 0) {
    return void warn(context, 'EMETALINKVALUE', `${type} pieces with length ${shown(lengthText)} dropped`)
  }
  const length = Number(lengthText)
  const hashes = childrenNamed(element, context.namespace, 'hash')
  const ordered: string[] = []
  for (const [position, hash] of hashes.entries()) {
    const hex = hash.text.trim().toLowerCase()
    if (!isHexFor(algorithm, hex)) return void warn(context, 'EMETALINKVALUE', `${type} piece ${position} value ${shown(hex)} is not a digest; those pieces dropped`)
    // v3 numbers its pieces; v4 relies on document order.
    const pieceText = attributeOf(hash, 'piece')
    const index = pieceText === undefined ? position : /^\d{1,9}$/.test(pieceText.trim()) ? Number(pieceText) : Number.NaN
    if (!Number.isInteger(index) || index >= hashes.length || ordered[index] !== undefined) {
      return void warn(context, 'EMETALINKVALUE', `${type} piece number ${shown(pieceText ?? String(position))} is not valid; those pieces dropped`)
    }
    ordered[index] = hex
  }
  if (ordered.length === 0) return void warn(context, 'EMETALINKVALUE', `${type} pieces list no hashes; dropped`)
  if (size !== undefined) {
    const expected = Math.max(1, Math.ceil(size / length))
    if (ordered.length !== expected) {
      return void warn(context, 'EMETALINKVALUE', `${type} pieces list ${ordered.length} hashes, but ${size} bytes in pieces of ${length} make ${expected}; dropped`)
    }
  }
  return {length, algorithm, hashes: ordered}
}
