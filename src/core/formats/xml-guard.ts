// Refuses XML that could be hostile before it reaches a parser: too big, with a DTD or entities, or nested too deep.
import {UsageError} from '../errors.js'

export type XmlLimits = {maxBytes: number; maxDepth: number; maxElements: number}

export const DEFAULT_XML_LIMITS: XmlLimits = {maxBytes: 4 * 1024 * 1024, maxDepth: 32, maxElements: 200_000}

/**
 * Throws a UsageError with a stable code (ETOOLARGE, EXMLENTITY, EXMLDEPTH, EXMLCOUNT) when `text` breaks a limit.
 * A DTD is refused outright rather than parsed carefully: no metalink needs one, and entity tricks
 * (billion laughs, external entities) live there.
 */
export function guardXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): void {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new UsageError(`XML document is larger than ${limits.maxBytes} bytes`, 'ETOOLARGE')
  }
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new UsageError('XML document declares a DTD or entities, which mirrorkit refuses', 'EXMLENTITY')
  }
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<\?[\s\S]*?\?>/g, '')
  let depth = 0
  let elements = 0
  for (const match of body.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (match[1] === '/') {
      depth--
      continue
    }
    elements++
    if (elements > limits.maxElements) throw new UsageError(`XML document has more than ${limits.maxElements} elements`, 'EXMLCOUNT')
    if (match[2] === '/') continue
    depth++
    if (depth > limits.maxDepth) throw new UsageError(`XML document is nested deeper than ${limits.maxDepth} levels`, 'EXMLDEPTH')
  }
}
