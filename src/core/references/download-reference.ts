// The reference of one download: the user's --checksum, else a look-up started once the primary has answered, run beside the transfer and awaited by the end check.
import type {RemoteInfo, TransportFactory, TransportOptions} from '../../plugins/types.js'
import {IntegrityError, type MirrorError} from '../errors.js'
import type {Checksum} from '../model.js'
import {TransportSet} from '../transports.js'
import {lookUpReference, lookupDefaults} from './lookup.js'
import {userReference, type Reference, type Sighting} from './reference.js'
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
 * The reference to check the file against. The user's value ends the search; otherwise the look-up
 * runs on transports of its own, so its small requests never queue behind the links' connections.
 */
export async function findReference(input: ReferenceInput, signal: AbortSignal): Promise<ReferenceOutcome> {
  const given = input.given[0]
  if (given) return {reference: userReference(given)}
  const site = new URL(input.primary.info?.finalUrl ?? input.primary.url).host
  const known: Sighting[] = input.fromMirrorSet.map((checksum) => ({checksum, source: 'mirror-set', location: 'the MirrorSet', site, primary: true}))
  if (!input.settings.lookup) {
    const reference = known[0] && !input.keyring ? {checksum: known[0].checksum, source: known[0].source, location: known[0].location} : undefined
    return {...(reference ? {reference} : {}), ...(input.keyring ? {refused: new IntegrityError('--keyring needs the reference look-up, which --no-reference-lookup turned off', 'EUNSIGNED')} : {})}
  }
  const transports = new TransportSet({...input.transportOptions, connectionsPerOrigin: 4}, ...(input.transportFactories ? [input.transportFactories] : []))
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
