// Parses XML strictly (well-formed, namespaces resolved, no DTD) into a small element tree, within size, depth and count limits.
import {SaxesParser} from 'saxes'
import {UsageError} from '../errors.js'

export type XmlAttribute = {namespace: string; name: string; value: string}

/** One element: its namespace URI and local name (so any prefix reads the same), attributes, children and direct text. */
export type XmlElement = {
  namespace: string
  name: string
  attributes: XmlAttribute[]
  children: XmlElement[]
  text: string
  /** One-based line of the start tag, for messages. */
  line: number
}

export type XmlLimits = {maxBytes: number; maxDepth: number; maxElements: number}

export const DEFAULT_XML_LIMITS: XmlLimits = {maxBytes: 4 * 1024 * 1024, maxDepth: 32, maxElements: 200_000}

/**
 * The document's root element. Throws a UsageError: EXML for text that is not well-formed XML (a truncated
 * document included), EXMLENTITY for a DTD (entity tricks live there and no metalink needs one), ETOOLARGE,
 * EXMLDEPTH or EXMLCOUNT past a limit.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new UsageError(`XML document is larger than ${limits.maxBytes} bytes`, 'ETOOLARGE')
  }
  const parser = new SaxesParser({xmlns: true, position: true})
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let elements = 0
  parser.on('doctype', () => {
    throw new UsageError('XML document declares a DTD, which mirrorkit refuses', 'EXMLENTITY')
  })
  parser.on('opentag', (tag) => {
    elements++
    if (elements > limits.maxElements) throw new UsageError(`XML document has more than ${limits.maxElements} elements`, 'EXMLCOUNT')
    if (stack.length + 1 > limits.maxDepth) throw new UsageError(`XML document is nested deeper than ${limits.maxDepth} levels`, 'EXMLDEPTH')
    const element: XmlElement = {
      namespace: tag.uri,
      name: tag.local,
      attributes: Object.values(tag.attributes).map((attribute) => ({namespace: attribute.uri, name: attribute.local, value: attribute.value})),
      children: [],
      text: '',
      line: parser.line,
    }
    const parent = stack.at(-1)
    if (parent) parent.children.push(element)
    else root = element
    if (!tag.isSelfClosing) stack.push(element)
  })
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop()
  })
  const addText = (value: string) => {
    const current = stack.at(-1)
    if (current) current.text += value
  }
  parser.on('text', addText)
  parser.on('cdata', addText)
  try {
    parser.write(text).close()
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`not well-formed XML: ${oneLine((error as Error).message)}`, 'EXML', error)
  }
  if (!root) throw new UsageError('not well-formed XML: no root element', 'EXML')
  return root
}

/** saxes messages start with "line:column: "; keep them, on one line. */
function oneLine(message: string): string {
  const [position, ...rest] = message.split(': ')
  const text = rest.join(': ').replace(/\s+/g, ' ').trim()
  const match = /^(?:[^:]*:)?(\d+):(\d+)$/.exec(position ?? '')
  return match ? `line ${match[1]}, column ${match[2]}: ${text}` : message.replace(/\s+/g, ' ').trim()
}

/** The value of an attribute by local name; unprefixed attributes have no namespace. */
export function attributeOf(element: XmlElement, name: string, namespace = ''): string | undefined {
  return element.attributes.find((attribute) => attribute.name === name && attribute.namespace === namespace)?.value
}

/** Child elements with this namespace and local name, in document order. */
export function childrenNamed(element: XmlElement, namespace: string, name: string): XmlElement[] {
  return element.children.filter((child) => child.namespace === namespace && child.name === name)
}

export function firstChild(element: XmlElement, namespace: string, name: string): XmlElement | undefined {
  return element.children.find((child) => child.namespace === namespace && child.name === name)
}
