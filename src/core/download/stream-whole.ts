// Downloads a file of unknown size as one stream from one mirror (no ranges are possible without a length).
import {IntegrityError, MirrorError, NoMirrorError} from '../errors.js'
import {ExitCode} from '../error-codes.js'
import {hashFile, strongest} from '../hashing.js'
import type {Checksum} from '../model.js'
import type {FetchEvent} from './events.js'
import {FileSink} from './file-sink.js'
import type {MirrorState} from './mirror-state.js'
import type {IntegrityCheck} from './summary.js'

/** Streams from the first mirror that works, restarting from 0 after a failure; returns the bytes written. */
export async function streamWhole(mirrors: readonly MirrorState[], part: string, maxTries: number, emit: (event: FetchEvent) => void, signal: AbortSignal): Promise<number> {
  let lastError: unknown
  for (const mirror of mirrors.filter((candidate) => candidate.status === 'active')) {
    for (let attempt = 0; attempt < maxTries; attempt++) {
      const sink = await FileSink.open(part, undefined, false)
      let offset = 0
      try {
        emit({type: 'link-start', link: attempt + 1, mirror: mirror.id, url: mirror.displayUrl, offset: 0, length: 0, hedge: false})
        for await (const chunk of mirror.transport.read(mirror.url, undefined, {signal})) {
          await sink.write(chunk, offset)
          offset += chunk.length
          mirror.received(chunk.length)
        }
        await sink.sync()
        return offset
      } catch (error) {
        if (signal.aborted) throw error
        lastError = error
        const failure = error instanceof MirrorError ? error : undefined
        emit({type: 'link-error', link: attempt + 1, mirror: mirror.id, url: mirror.displayUrl, code: failure?.code ?? 'EINTERNAL', message: String((error as Error)?.message), offset})
        if (failure?.exitCode === ExitCode.disk) throw failure
        if (!failure?.retryable) break
      } finally {
        await sink.close()
      }
    }
  }
  throw lastError ?? new NoMirrorError('no mirror could stream the file')
}

/** The whole-file check of a streamed download. */
export async function verifyWhole(part: string, checksums: readonly Checksum[], emit: (event: FetchEvent) => void, signal: AbortSignal): Promise<IntegrityCheck[]> {
  const reference = strongest(checksums)
  if (!reference) return []
  const found = await hashFile(part, reference.algorithm, signal)
  const ok = found === reference.hex.toLowerCase()
  emit({type: 'check', name: 'checksum', ok, detail: `${reference.algorithm} ${ok ? 'matches' : `is ${found}, expected ${reference.hex}`}`})
  if (!ok) throw new IntegrityError(`${reference.algorithm} mismatch: the file is ${found}, expected ${reference.hex}`)
  return [{name: 'checksum', ok, detail: `${reference.algorithm} of the whole file matches`}]
}
