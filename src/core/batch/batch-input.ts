// Reads a batch of files from text, recognised by its content: one MirrorSet, several (a JSON array or JSON lines), or an aria2c input file.
import {UsageError} from '../errors.js'
import {MIRRORSET_VERSION, parseMirrorSet, type MirrorSet} from '../model.js'
import {parseAria2Input, type Aria2Entry} from './aria2-input-parse.js'

/** One file of a batch: its MirrorSet, and where it goes when the input says. */
export type BatchItem = {
  set: MirrorSet
  /** A relative path under `directory` (aria2's out=); default: the target's name. */
  out?: string
  /** aria2's dir=; default: the batch's directory. */
  directory?: string
}

export type BatchInputFormat = 'mirrorset' | 'mirrorsets' | 'aria2'

export type BatchInput = {format: BatchInputFormat; items: BatchItem[]; warnings: string[]}

function lastSegment(url: string): string {
  const segment = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? ''
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function fromAria2(entry: Aria2Entry): BatchItem {
  const set: MirrorSet = {
    version: MIRRORSET_VERSION,
    target: {name: entry.out?.split('/').at(-1) ?? lastSegment(entry.urls[0]!), checksums: entry.checksums},
    candidates: entry.urls.map((url) => ({url, foundBy: ['input']})),
  }
  return {set, ...(entry.out === undefined ? {} : {out: entry.out}), ...(entry.dir === undefined ? {} : {directory: entry.dir})}
}

/** Prefixes a MirrorSet error with where in the input it was. */
function parseAt(text: string, where: string): MirrorSet {
  try {
    return parseMirrorSet(text)
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${where}: ${error.message}`, error.code, error)
    throw error
  }
}

function parseJsonLines(text: string): MirrorSet[] {
  const sets: MirrorSet[] = []
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() !== '') sets.push(parseAt(line, `line ${index + 1}`))
  }
  return sets
}

export function parseBatchInput(text: string): BatchInput {
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError('the input is empty', 'EINPUT')
  if (trimmed.startsWith('[')) {
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (error) {
      throw new UsageError(`the input looks like a JSON array of MirrorSets but is not JSON (${(error as Error).message})`, 'EMIRRORSET', error)
    }
    const sets = (value as unknown[]).map((element, index) => parseAt(JSON.stringify(element), `item ${index + 1}`))
    if (sets.length === 0) throw new UsageError('the JSON array holds no MirrorSet', 'EINPUT')
    return {format: 'mirrorsets', items: sets.map((set) => ({set})), warnings: []}
  }
  if (trimmed.startsWith('{')) {
    let whole = true
    try {
      JSON.parse(trimmed)
    } catch {
      whole = false
    }
    const sets = whole ? [parseMirrorSet(trimmed)] : parseJsonLines(trimmed)
    return {format: sets.length === 1 ? 'mirrorset' : 'mirrorsets', items: sets.map((set) => ({set})), warnings: []}
  }
  const {entries, warnings} = parseAria2Input(text)
  if (entries.length === 0) throw new UsageError('the input file lists no URIs', 'EINPUT')
  return {format: 'aria2', items: entries.map(fromAria2), warnings}
}
