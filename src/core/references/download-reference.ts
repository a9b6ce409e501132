// The reference of one download: the user's --checksum, else a look-up started once the primary has answered, run beside the transfer and awaited by the end check.
import type {RemoteInfo, TransportFactory, TransportOptions} from '../../plugins/types.js'
import {IntegrityError, type MirrorError} from '../errors.js'
import {strongest} from '../hashing.js'
import type {Checksum} from '../model.js'
import {TransportSet} from '../transports.js'
import {lookUpReference, lookupDefaults} from './lookup.js'
import {chooseReference, userReference, type Reference, type Sighting} from './reference.js'
import {readKeyring, type Keyring} from './signature.js'

export type ReferenceSettings = {
  /** Look for a published reference (--no-reference-lookup turns it off). */
  lookup: boolean
  /** Exported public keys (--keyring): only a checksum file they sign counts. */
  keyring?: string
  /** Fail (integrity) when no reference was found (--require-reference). */
  require: boolean
}

export const referenceDefaults: ReferenceSettings = {lookup: true, require: false}

export type ReferenceOutcome = {
  reference?: Reference
  /** What the look-up cost, when it ran. */
  lookup?: {requests: number; durationMs: number}
  /** Why the download must not be accepted: a refused checksum file under --keyring. */
  refused?: MirrorError
}

export type ReferenceInput = {
  given: readonly Checksum[]
  fromMirrorSet: readonly Checksum[]
  primary: {url: string; info?: RemoteInfo}
  secondaries: ReadonlyArray<{url: string; info?: RemoteInfo}>
  settings: ReferenceSettings
  keyring?: Keyring
  transportOptions?: TransportOptions
  transportFactories?: readonly TransportFactory[]
}

/** Reads the keyring before anything is downloaded, so a wrong path fails at once (EKEYRING). */
export async function openKeyring(settings: ReferenceSettings): Promise<Keyring | undefined> {
  return settings.keyring === undefined ? undefined : readKeyring(settings.keyring)
}

/**
 * The reference to check the file against. The user's value ends the search, and so does a MirrorSet's
 * (discover read the same headers and neighbours, and a batch list gives each file its own) unless a
 * keyring asks for a signed one. Otherwise the look-up runs on transports of its own, so its small
 * requests never queue behind the links' connections; two per server keep its footprint small.
 */
export async function findReference(input: ReferenceInput, signal: AbortSignal): Promise<ReferenceOutcome> {
  const given = strongest(input.given)
  if (given) return {reference: userReference(given)}
  const site = new URL(input.primary.info?.finalUrl ?? input.primary.url).host
  const known: Sighting[] = input.fromMirrorSet.map((checksum) => ({checksum, source: 'mirror-set', location: 'the MirrorSet', site, primary: true}))
  if (!input.keyring && (known.length > 0 || !input.settings.lookup)) {
    const reference = chooseReference(known)
    return reference ? {reference} : {}
  }
  if (!input.settings.lookup) return {refused: new IntegrityError('--keyring needs the reference look-up, which --no-reference-lookup turned off', 'EUNSIGNED')}
  const transports = new TransportSet({...input.transportOptions, connectionsPerOrigin: 2}, ...(input.transportFactories ? [input.transportFactories] : []))
  try {
    const outcome = await lookUpReference(
      {primary: input.primary, secondaries: input.secondaries, known, transports, ...(input.keyring ? {keyring: input.keyring} : {}), timeoutMs: lookupDefaults.timeoutMs},
      signal,
    )
    return {
      ...(outcome.reference ? {reference: outcome.reference} : {}),
      lookup: {requests: outcome.requests, durationMs: outcome.durationMs},
      ...(outcome.refused ? {refused: outcome.refused} : {}),
    }
  } finally {
    await transports.close()
  }
}

/** The error of a download that ends with no reference under --require-reference. */
export function missingReference(): IntegrityError {
  return new IntegrityError('no reference hash was found for the file (--require-reference): give --checksum, or publish SHA256SUMS or a Digest header', 'ENOREFERENCE')
}

/** Why the file must not be accepted, if so: a checksum file refused under --keyring, or no reference under --require-reference. */
export function referenceFailure(outcome: ReferenceOutcome, settings: ReferenceSettings, hasPieceHashes: boolean): MirrorError | undefined {
  return outcome.refused ?? (settings.require && !outcome.reference && !hasPieceHashes ? missingReference() : undefined)
}

/**
 * Starts findReference beside the transfer. `stop` ends the download as soon as the outcome forbids
 * accepting it, rather than after every byte has come; the end check awaits the same promise.
 */
export function watchReference(input: ReferenceInput, hasPieceHashes: boolean, signal: AbortSignal, stop: (error: MirrorError) => void): Promise<ReferenceOutcome> {
  const running = findReference(input, signal).then((outcome) => {
    const failure = referenceFailure(outcome, input.settings, hasPieceHashes)
    if (failure) stop(failure)
    return outcome
  })
  // Awaited by the end check, which may never come (a failed transfer): that must not crash the process.
  running.catch(() => undefined)
  return running
}
