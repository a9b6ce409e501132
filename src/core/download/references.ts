// Where a download's reference hashes enter: the user's --checksum, the MirrorSet's (metalink, Digest headers), metalink piece hashes, and the one the primary publishes, looked up while the transfer runs.
import type {Checksum, PieceHashes} from '../model.js'
import {openKeyring, referenceDefaults, referenceFailure, watchReference} from '../references/download-reference.js'
import type {Reference} from '../references/reference.js'
import type {RemoteInfo} from '../../plugins/types.js'
import type {MirrorState} from './mirror-state.js'
import type {FetchOptions} from './options.js'
import type {DownloadSession} from './session.js'
import type {TargetInfo} from './mirror-setup.js'

/**
 * What the bytes are checked against. Everything that can vouch for a file comes in here, so a new
 * kind of reference is one more input to this function.
 */
export type References = {
  /** Whole-file checksums known before the transfer (the user's, the MirrorSet's). */
  checksums: Checksum[]
  /** Piece hashes, checked as pieces complete; only when they cover a file of this size. */
  pieceHashes?: PieceHashes
}

/** How long the look-up waits for the stats of mirrors that had not answered when the download started. */
const SECONDARY_STAT_WAIT_MS = 1000

/**
 * The other mirrors with what their stats said (their Digest and Link headers), for the look-up. The
 * download starts on the primary's answer; a stat still in flight is waited for here, beside the
 * transfer, for a second at most.
 */
async function answeredSecondaries(mirrors: readonly MirrorState[], primary: MirrorState): Promise<Array<{url: string; info?: RemoteInfo}>> {
  const others = mirrors.filter((mirror) => mirror !== primary && mirror.status !== 'rejected')
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SECONDARY_STAT_WAIT_MS)))
  const answers = await Promise.all(others.map((mirror) => (mirror.pendingStat ? Promise.race([mirror.pendingStat.catch(() => undefined), late]) : Promise.resolve(mirror.remote))))
  clearTimeout(timer)
  // One that answered with another size is rejected by the transfer and vouches for nothing.
  return others.flatMap((mirror, index) => {
    const info = answers[index]
    if (mirror.status === 'rejected' || (info && info.size !== primary.size)) return []
    return [{url: mirror.url.href, ...(info ? {info} : {})}]
  })
}

/** References with the one the end check uses. */
export type LookedUpReferences = References & {
  /**
   * The user's reference, or the best one found. Throws when the file must not be accepted (a checksum
   * file refused under --keyring, none found under --require-reference).
   */
  whole(): Promise<Reference | undefined>
}

/** What is known before anything is asked: the user's and the MirrorSet's checksums, and piece hashes that fit. */
export function referencesFor(options: FetchOptions, size: number | undefined): References {
  const checksums = [...(options.checksums ?? []), ...(options.mirrorSet?.target.checksums ?? [])]
  const pieces = options.mirrorSet?.target.pieces
  const fits = size !== undefined && pieces !== undefined && pieces.hashes.length === Math.ceil(size / pieces.length)
  return fits ? {checksums, pieceHashes: pieces} : {checksums}
}

/**
 * Reads the keyring (a bad one fails now, EKEYRING) and starts the look-up beside the transfer, from
 * the primary's own answer; an outcome that forbids accepting the file stops the download at once.
 */
export async function lookUpReferences(session: DownloadSession, target: TargetInfo, mirrors: readonly MirrorState[]): Promise<LookedUpReferences> {
  const {options} = session
  const settings = {...referenceDefaults, ...options.reference}
  const keyring = await openKeyring(settings)
  const known = referencesFor(options, target.size)
  const pieceHashes = known.pieceHashes
  // A download that fails early must not leave the look-up's requests running.
  const scope = new AbortController()
  session.defer(async () => scope.abort())
  const lookup = answeredSecondaries(mirrors, target.primary).then((secondaries) =>
    watchReference(
      {
        given: options.checksums ?? [],
        fromMirrorSet: options.mirrorSet?.target.checksums ?? [],
        primary: {url: target.primary.url.href, info: target.remote},
        secondaries,
        settings,
        ...(keyring ? {keyring} : {}),
        ...(options.transport ? {transportOptions: options.transport} : {}),
        ...(options.transportFactories ? {transportFactories: options.transportFactories} : {}),
      },
      pieceHashes !== undefined,
      AbortSignal.any([session.signal, scope.signal]),
      (error) => session.fail(error),
    ),
  )
  lookup.catch(() => undefined)
  const whole = async () => {
    const outcome = await lookup
    session.emit({type: 'reference', ...(outcome.reference ? {reference: outcome.reference} : {}), ...outcome.lookup})
    const failure = referenceFailure(outcome, settings, pieceHashes !== undefined)
    if (failure) throw failure
    return outcome.reference
  }
  return {...known, whole}
}
