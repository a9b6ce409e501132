// Looks up a download's published reference hash while it starts: the primary first, secondaries only when the primary has none, every request bounded in time.
import type {RemoteInfo} from '../../plugins/types.js'
import {childSignal} from '../child-signal.js'
import {fetchBytes} from '../discovery/fetch-text.js'
import {IntegrityError} from '../errors.js'
import type {TransportSet} from '../transports.js'
import {chooseReference, type Reference, type Sighting} from './reference.js'
import {referencesAt, SIGNATURE_SUFFIXES, type Refusal, type SmallFetch} from './site-references.js'
import type {Keyring} from './signature.js'

export type LookupRequest = {
  primary: {url: string; info?: RemoteInfo}
  /** Other mirrors of the file, asked only when the primary publishes nothing usable. */
  secondaries?: ReadonlyArray<{url: string; info?: RemoteInfo}>
  /** Values already known (the user's, the MirrorSet's), weighed with what is found. */
  known?: readonly Sighting[]
  /** With a keyring, only a checksum file it verifies counts, and finding none is an error. */
  keyring?: Keyring
  transports: TransportSet
  /** Each small request's own limit. */
  requestTimeoutMs?: number
  /** The whole look-up's limit: what is found by then is used. */
  timeoutMs?: number
}

export type LookupOutcome = {
  reference?: Reference
  sightings: Sighting[]
  refusals: Refusal[]
  /** Small requests made, found or not. */
  requests: number
  durationMs: number
  /** Why the download must not be accepted (a keyring was given and no signed reference was found). */
  refused?: IntegrityError
}

export const lookupDefaults = {requestTimeoutMs: 5000, timeoutMs: 15_000, secondaries: 3, maxBytes: 4 * 1024 * 1024}

export async function lookUpReference(request: LookupRequest, signal: AbortSignal): Promise<LookupOutcome> {
  const started = performance.now()
  const deadline = childSignal(signal, request.timeoutMs ?? lookupDefaults.timeoutMs)
  try {
    return await lookUp(request, signal, deadline.signal, started)
  } finally {
    deadline.dispose()
  }
}

async function lookUp(request: LookupRequest, signal: AbortSignal, deadline: AbortSignal, started: number): Promise<LookupOutcome> {
  let requests = 0
  const fetch: SmallFetch = async (location, callSignal) => {
    requests++
    const limit = childSignal(callSignal, request.requestTimeoutMs ?? lookupDefaults.requestTimeoutMs)
    try {
      return await fetchBytes(request.transports, new URL(location), {signal: limit.signal, maxBytes: lookupDefaults.maxBytes})
    } catch {
      signal.throwIfAborted()
      return undefined
    } finally {
      limit.dispose()
    }
  }
  const primary = await referencesAt({...request.primary, primary: true}, fetch, request.keyring, deadline)
  const sightings = [...(request.known ?? []), ...primary.sightings]
  const refusals = [...primary.refusals]
  if (!acceptable(chooseReference(sightings), request.keyring)) {
    const primaryHost = new URL(request.primary.info?.finalUrl ?? request.primary.url).host
    const others = distinctHosts(request.secondaries ?? [], primaryHost).slice(0, lookupDefaults.secondaries)
    for (const found of await Promise.all(others.map((site) => referencesAt({...site, primary: false}, fetch, request.keyring, deadline)))) {
      sightings.push(...found.sightings)
      refusals.push(...found.refusals)
    }
  }
  signal.throwIfAborted()
  const chosen = chooseReference(sightings)
  const reference = acceptable(chosen, request.keyring) ? chosen : undefined
  const outcome: LookupOutcome = {sightings, refusals, requests, durationMs: Math.round(performance.now() - started), ...(reference ? {reference} : {})}
  if (request.keyring && !reference) outcome.refused = refusal(refusals)
  return outcome
}

/** With a keyring, only a signed value (or the user's) will do. */
function acceptable(reference: Reference | undefined, keyring: Keyring | undefined): boolean {
  return reference !== undefined && (!keyring || reference.source === 'signed-checksum-file' || reference.source === 'user')
}

function distinctHosts<T extends {url: string; info?: RemoteInfo}>(sites: readonly T[], except: string): T[] {
  const seen = new Set([except])
  return sites.filter((site) => {
    const host = new URL(site.info?.finalUrl ?? site.url).host
    if (seen.has(host)) return false
    seen.add(host)
    return true
  })
}

/** Why nothing was accepted under a keyring: a bad signature outranks a missing one, which outranks no checksum file at all. */
function refusal(refusals: readonly Refusal[]): IntegrityError {
  const bad = refusals.find((item) => item.reason === 'bad-signature')
  if (bad) return new IntegrityError(`the signature ${bad.location} does not verify with the keyring (${bad.detail}): its checksum file is refused`, 'ESIGNATURE')
  const unsigned = refusals[0]
  if (unsigned) return new IntegrityError(`${unsigned.location} is not signed (no ${SIGNATURE_SUFFIXES.join(', ')} beside it, not clearsigned): refused under --keyring`, 'EUNSIGNED')
  return new IntegrityError('no checksum file was found to check with --keyring', 'EUNSIGNED')
}
