// Parses Metalink v4 (RFC 5854) and v3 (metalinker.org) documents into files with sizes, hashes, pieces and URLs.
import {load, type CheerioAPI} from 'cheerio'
import {UsageError} from '../errors.js'
import type {Checksum, PieceHashes} from '../model.js'
import {isHexFor, strongestFirst, toHashAlgorithm} from './hash-names.js'
import {unsafeNameReason} from './safe-name.js'
import {guardXml, DEFAULT_XML_LIMITS, type XmlLimits} from './xml-guard.js'

export type MetalinkUrl = {url: string; priority?: number; location?: string}
export type MetalinkFile = {name: string; size?: number; checksums: Checksum[]; pieces?: PieceHashes; urls: MetalinkUrl[]}
export type MetalinkWarning = {message: string; code: string}
export type MetalinkDocument = {version: 3 | 4; files: MetalinkFile[]; warnings: MetalinkWarning[]}

export type MetalinkLimits = XmlLimits & {maxFiles: number; maxUrlsPerFile: number}
export const DEFAULT_METALINK_LIMITS: MetalinkLimits = {...DEFAULT_XML_LIMITS, maxFiles: 1000, maxUrlsPerFile: 10_000}

const V3_NAMESPACE = 'http://www.metalinker.org/'

type Selection = ReturnType<ReturnType<CheerioAPI['root']>['children']>

/** Throws a UsageError (EMETALINK, or a guard code) for documents it refuses; skips unsafe files with a warning. */
export function parseMetalink(text: string, limits: MetalinkLimits = DEFAULT_METALINK_LIMITS): MetalinkDocument {
  guardXml(text, limits)
  const $ = load(text, {xml: true})
  const root = $.root().children('metalink').first()
  if (root.length === 0) throw new UsageError('not a metalink document (no <metalink> root)', 'EMETALINK')
  const version = root.attr('xmlns') === V3_NAMESPACE || root.attr('version')?.startsWith('3') ? 3 : 4
  const fileElements = version === 3 ? root.children('files').children('file') : root.children('file')
  const warnings: MetalinkWarning[] = []
  const files: MetalinkFile[] = []
  fileElements.slice(0, limits.maxFiles).each((_, element) => {
    const file = $(element)
    const name = file.attr('name') ?? ''
    const reason = unsafeNameReason(name)
    if (reason) {
      warnings.push({code: 'EUNSAFENAME', message: `metalink file name ${JSON.stringify(name.slice(0, 200))} rejected: ${reason}`})
      return
    }
    const hashHolder = version === 3 ? file.children('verification') : file
    const urlHolder = version === 3 ? file.children('resources') : file
    files.push({
      name,
      ...sizeOf(file.children('size').first().text()),
      checksums: checksumsOf($, hashHolder.children('hash')),
      ...piecesOf($, hashHolder.children('pieces').first()),
      urls: urlsOf($, urlHolder.children('url'), version, limits.maxUrlsPerFile),
    })
  })
  if (fileElements.length > limits.maxFiles) {
    warnings.push({code: 'EXMLCOUNT', message: `metalink lists ${fileElements.length} files; only the first ${limits.maxFiles} were read`})
  }
  return {version, files, warnings}
}

/** The file of the document named `name` (or with that last segment), or the only one; the first when no name is asked. */
export function metalinkFileFor(document: MetalinkDocument, name: string | undefined): MetalinkFile | undefined {
  if (!name) return document.files[0]
  return (
    document.files.find((file) => file.name === name) ??
    document.files.find((file) => file.name.split('/').pop() === name) ??
    (document.files.length === 1 ? document.files[0] : undefined)
  )
}

function sizeOf(text: string): {size?: number} {
  const trimmed = text.trim()
  if (!/^\d{1,16}$/.test(trimmed)) return {}
  const size = Number(trimmed)
  return Number.isSafeInteger(size) ? {size} : {}
}

function checksumsOf($: CheerioAPI, hashes: Selection): Checksum[] {
  const found: Checksum[] = []
  hashes.each((_, element) => {
    const algorithm = toHashAlgorithm(element.attribs.type ?? '')
    const hex = $(element).text().trim().toLowerCase()
    if (algorithm && isHexFor(algorithm, hex)) found.push({algorithm, hex})
  })
  return strongestFirst(found)
}

function piecesOf($: CheerioAPI, pieces: Selection): {pieces?: PieceHashes} {
  const element = pieces.get(0)
  if (!element) return {}
  const algorithm = toHashAlgorithm(element.attribs.type ?? '')
  const length = Number(element.attribs.length)
  if (!algorithm || !Number.isSafeInteger(length) || length <= 0) return {}
  const entries: {index: number; hex: string}[] = []
  pieces.children('hash').each((position, hash) => {
    // v3 numbers its pieces; v4 relies on document order.
    const index = hash.attribs.piece === undefined ? position : Number(hash.attribs.piece)
    entries.push({index, hex: $(hash).text().trim().toLowerCase()})
  })
  entries.sort((a, b) => a.index - b.index)
  if (entries.length === 0 || !entries.every((entry) => isHexFor(algorithm, entry.hex))) return {}
  return {pieces: {length, algorithm, hashes: entries.map((entry) => entry.hex)}}
}

function urlsOf($: CheerioAPI, urls: Selection, version: 3 | 4, max: number): MetalinkUrl[] {
  const found: MetalinkUrl[] = []
  urls.slice(0, max).each((_, element) => {
    const url = $(element).text().trim()
    if (!url || element.attribs.type === 'bittorrent') return
    const entry: MetalinkUrl = {url}
    const priority = version === 4 ? Number(element.attribs.priority) : v3Priority(element.attribs.preference)
    if (Number.isSafeInteger(priority) && priority >= 1 && priority <= 999_999) entry.priority = priority
    const location = element.attribs.location?.trim().toLowerCase()
    if (location && /^[a-z]{2}$/.test(location)) entry.location = location
    found.push(entry)
  })
  return found
}

/** v3 preference is 0..100, higher preferred; v4 priority is 1..999999, lower preferred. */
function v3Priority(preference: string | undefined): number {
  if (preference === undefined) return Number.NaN
  const value = Number(preference)
  return Number.isFinite(value) ? Math.max(1, 101 - Math.min(100, Math.max(0, Math.round(value)))) : Number.NaN
}
