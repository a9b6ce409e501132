// Reads a MirrorSet from --input FILE or from stdin (to its end) when stdin is not a terminal.
import {readFile} from 'node:fs/promises'
import {UsageError} from '../core/errors.js'
import {parseBatchInput} from '../core/batch/batch-input.js'
import {parseMirrorSet, type MirrorSet} from '../core/model.js'

const MAX_INPUT_BYTES = 64 * 1024 * 1024

/** Reads all of stdin; oclif's own reader gives up after 10 ms, which breaks slow pipes. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length
    if (total > MAX_INPUT_BYTES) throw new UsageError('standard input is larger than 64 MiB', 'EINPUT')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The text of `--input` (a path, or "-" for stdin), else of stdin when it is piped, else undefined.
 * Piped stdin that is empty counts as no input.
 */
export async function readInputText(input: string | undefined): Promise<string | undefined> {
  let text: string
  if (input !== undefined && input !== '-') {
    try {
      text = await readFile(input, 'utf8')
    } catch (error) {
      throw new UsageError(`cannot read --input ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'EINPUT', error)
    }
  } else if (input === '-' || !process.stdin.isTTY) {
    text = await readStdin()
    if (text.trim() === '' && input === undefined) return undefined
  } else {
    return undefined
  }
  return text
}

/**
 * The MirrorSet from `--input` (a path, or "-" for stdin), else from stdin when it is piped,
 * else undefined.
 */
export async function readMirrorSetInput(input: string | undefined): Promise<MirrorSet | undefined> {
  const text = await readInputText(input)
  if (text === undefined) return undefined
  if (text.trim() === '') throw new UsageError('the MirrorSet input is empty', 'EMIRRORSET')
  return parseMirrorSet(text)
}

/** Every MirrorSet of the input: one, a stream of them (JSON lines or an array), or an aria2c input file's files. */
export async function readMirrorSetsInput(input: string | undefined): Promise<MirrorSet[] | undefined> {
  const text = await readInputText(input)
  if (text === undefined) return undefined
  if (text.trim() === '') throw new UsageError('the MirrorSet input is empty', 'EMIRRORSET')
  return parseBatchInput(text).items.map((item) => item.set)
}
