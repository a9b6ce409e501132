// Parses Metalink v4 (RFC 5854) and v3 (metalinker.org, as mirrormanager and MirrorBrain write it) by namespace into files, hashes, pieces and URLs.
import {UsageError} from '../errors.js'
import type {Checksum, PieceHashes} from '../model.js'
import {checksumsOf, piecesOf, type HashContext, type MetalinkWarning} from './metalink-hashes.js'
import {urlsOf, type MetalinkUrl} from './metalink-urls.js'
import {unsafeNameReason} from './safe-name.js'
import {attributeOf, childrenNamed, DEFAULT_XML_LIMITS, firstChild, parseXml, type XmlElement, type XmlLimits} from './xml-tree.js'

export type {MetalinkUrl} from './metalink-urls.js'
export type {MetalinkWarning} from './metalink-hashes.js'

/** A version the mirrors may still serve legitimately (mirrormanager's mm0:alternates: the previous repomd.xml). */
export type MetalinkAlternate = {size?: number; checksums: Checksum[]; timestamp?: number}

export type MetalinkFile = {
  name: string
  size?: number
  checksums: Checksum[]
  pieces?: PieceHashes
  urls: MetalinkUrl[]
  alternates?: MetalinkAlternate[]
}
export type MetalinkDocument = {version: 3 | 4; files: MetalinkFile[]; warnings: MetalinkWarning[]}

export type MetalinkLimits = XmlLimits & {maxFiles: number; maxUrlsPerFile: number}
export const DEFAULT_METALINK_LIMITS: MetalinkLimits = {...DEFAULT_XML_LIMITS, maxFiles: 1000, maxUrlsPerFile: 10_000}

export type MetalinkOptions = {
  /** The document's own URL (or --metalink-base): relative <url> values are resolved against it. */
  base?: string
  limits?: MetalinkLimits
}

export const METALINK_V4_NAMESPACE = 'urn:ietf:params:xml:ns:metalink'
export const METALINK_V3_NAMESPACE = 'http://www.metalinker.org/'
const MIRRORMANAGER_NAMESPACE = 'http://fedorahosted.org/mirrormanager'

/** Whether a parsed root is a metalink, by namespace (any prefix); a namespace-less v3 root is accepted as producers write it. */
export function isMetalinkRoot(root: XmlElement): boolean {
  return root.name === 'metalink' && [METALINK_V4_NAMESPACE, METALINK_V3_NAMESPACE, ''].includes(root.namespace)
}

/**
 * Throws a UsageError for a document it refuses whole: EXML (not well-formed, truncated), EMETALINK (not a metalink,
 * or no file in it), or an XML limit code. Values that are wrong are dropped with a warning (EMETALINKVALUE), entries
 * it cannot use are skipped with a note (EMETALINKSKIP, EUNSAFENAME, ERELATIVEURL).
 */
export function parseMetalink(text: string, options: MetalinkOptions = {}): MetalinkDocument {
  const limits = options.limits ?? DEFAULT_METALINK_LIMITS
  const root = parseXml(text, limits)
  if (!isMetalinkRoot(root)) {
    const shown = root.namespace ? `{${root.namespace}}${root.name}` : root.name
    throw new UsageError(`not a metalink document (the root element is <${shown}>)`, 'EMETALINK')
  }
  const namespace = root.namespace
  const version = namespace === METALINK_V3_NAMESPACE || (namespace === '' && (attributeOf(root, 'version')?.startsWith('3') || firstChild(root, '', 'files'))) ? 3 : 4
  const fileElements = version === 3 ? childrenNamed(root, namespace, 'files').flatMap((files) => childrenNamed(files, namespace, 'file')) : childrenNamed(root, namespace, 'file')
  if (fileElements.length === 0) throw new UsageError('the metalink lists no <file>', 'EMETALINK')
  const warnings: MetalinkWarning[] = []
  const files: MetalinkFile[] = []
  for (const element of fileElements.slice(0, limits.maxFiles)) {
    const file = readFile(element, {namespace, version, warnings, limits, ...(options.base ? {base: options.base} : {})})
    if (file) files.push(file)
  }
  if (fileElements.length > limits.maxFiles) {
    warnings.push({code: 'EXMLCOUNT', message: `the metalink lists ${fileElements.length} files; only the first ${limits.maxFiles} were read`})
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

type FileContext = {namespace: string; version: 3 | 4; warnings: MetalinkWarning[]; limits: MetalinkLimits; base?: string}

function readFile(element: XmlElement, context: FileContext): MetalinkFile | undefined {
  const {namespace, version, warnings} = context
  const name = attributeOf(element, 'name') ?? ''
  const reason = unsafeNameReason(name)
  if (reason) {
    warnings.push({code: 'EUNSAFENAME', message: `file name ${JSON.stringify(name.slice(0, 200))} rejected: ${reason}`})
    return undefined
  }
  const hashContext: HashContext = {namespace, file: name, warnings}
  const hashHolder = version === 3 ? firstChild(element, namespace, 'verification') : element
  const size = sizeOf(firstChild(element, namespace, 'size'), hashContext)
  const checksums = hashHolder ? checksumsOf(hashHolder, hashContext) : []
  const pieces = hashHolder ? piecesOf(hashHolder, size, hashContext) : undefined
  const alternates = alternatesOf(element, hashContext)
  return {
    name,
    ...(size === undefined ? {} : {size}),
    checksums,
    ...(pieces ? {pieces} : {}),
    urls: urlsOf(element, {...context, file: name}),
    ...(alternates.length > 0 ? {alternates} : {}),
  }
}

function sizeOf(element: XmlElement | undefined, context: HashContext): number | undefined {
  if (!element) return undefined
  const text = element.text.trim()
  const size = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
  if (Number.isSafeInteger(size)) return size
  context.warnings.push({code: 'EMETALINKVALUE', message: `file ${JSON.stringify(context.file)}: size ${JSON.stringify(text.slice(0, 40))} is not a byte count; dropped`})
  return undefined
}

/** mm0:alternates: each older version's size and hashes, those without a usable hash dropped. */
function alternatesOf(file: XmlElement, context: HashContext): MetalinkAlternate[] {
  const found: MetalinkAlternate[] = []
  for (const holder of childrenNamed(file, MIRRORMANAGER_NAMESPACE, 'alternates')) {
    for (const alternate of childrenNamed(holder, MIRRORMANAGER_NAMESPACE, 'alternate')) {
      const verification = firstChild(alternate, context.namespace, 'verification')
      const checksums = verification ? checksumsOf(verification, {...context, file: `${context.file} (alternate)`}) : []
      if (checksums.length === 0) {
        context.warnings.push({code: 'EMETALINKSKIP', message: `file ${JSON.stringify(context.file)}: an alternate version without a usable hash was skipped`})
        continue
      }
      const size = sizeOf(firstChild(alternate, context.namespace, 'size'), context)
      const timestampText = firstChild(alternate, MIRRORMANAGER_NAMESPACE, 'timestamp')?.text.trim() ?? ''
      found.push({
        checksums,
        ...(size === undefined ? {} : {size}),
        ...(/^\d{1,12}$/.test(timestampText) ? {timestamp: Number(timestampText)} : {}),
      })
    }
  }
  return found
}
