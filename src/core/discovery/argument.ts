// Decides what discover's argument is: a primary URL, a metalink (by name, Content-Type or content, local or remote), or a bare file name.
import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import type {RemoteInfo} from '../../plugins/types.js'
import {UsageError} from '../errors.js'
import {isMetalinkRoot} from '../formats/metalink-parse.js'
import {unsafeNameReason} from '../formats/safe-name.js'
import {parseXml} from '../formats/xml-tree.js'
import {redactText} from '../redact.js'
import {parseUrl} from '../transports.js'
import {isUrlLike} from './fetch-text.js'
import {lastSegment} from './normalise-url.js'

/** What the argument is: a primary URL, a metalink (URL or local path), or a bare file name. */
export type Argument = {primaryUrl?: URL; metalink?: string; name: string}

export const METALINK_MEDIA_TYPES = ['application/metalink4+xml', 'application/metalink+xml']

/** Bodies at most this big are read to see whether they are a metalink whatever their name. */
export const SNIFF_LIMIT = 1024 * 1024

const METALINK_NAME = /\.(meta4|metalink)$/i
const METALINK_ROOT = /<([\w-]+:)?metalink[\s>]/

/** Classifies without I/O where the name decides, else looks at the local file. */
export async function classifyArgument(argument: string, readLocal: (path: string, maxBytes: number) => Promise<string>): Promise<Argument> {
  if (isUrlLike(argument)) {
    const url = parseUrl(argument)
    if (METALINK_NAME.test(url.pathname)) return {metalink: url.href, name: ''}
    return {primaryUrl: url, name: lastSegment(url.href)}
  }
  if (await isLocalFile(argument)) {
    // A .meta4 is read as one (its errors are then the user's to see); any other file only when its root is a metalink.
    // Judged by a mention of the root, not a parse: a broken metalink named .xml must show its own error, not "not a name".
    if (METALINK_NAME.test(argument) || METALINK_ROOT.test(await readLocal(argument, SNIFF_LIMIT).catch(() => ''))) {
      return {metalink: resolve(argument), name: ''}
    }
  }
  const reason = argument.includes('/') ? 'contains "/" and is not a metalink file' : unsafeNameReason(argument)
  if (reason) throw new UsageError(`expected a URL, a metalink file or a bare file name, got ${JSON.stringify(redactText(argument))} (${reason})`, 'EUSAGE')
  return {name: argument}
}

async function isLocalFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Whether the text parses as XML with a metalink root. */
export function looksLikeMetalink(text: string): boolean {
  if (!METALINK_ROOT.test(text)) return false
  try {
    return isMetalinkRoot(parseXml(text, {maxBytes: SNIFF_LIMIT, maxDepth: 32, maxElements: 200_000}))
  } catch {
    return false
  }
}

/** Whether a primary's answer says (Content-Type) or may hide (small, XML-ish or untyped) a metalink. */
export function metalinkHint(info: RemoteInfo): 'metalink' | 'sniff' | 'no' {
  const type = info.contentType ?? ''
  if (METALINK_MEDIA_TYPES.includes(type)) return 'metalink'
  if (info.size !== undefined && info.size > SNIFF_LIMIT) return 'no'
  return type === '' || type.endsWith('/xml') || type.endsWith('+xml') || type === 'text/plain' || type === 'application/octet-stream' ? 'sniff' : 'no'
}
