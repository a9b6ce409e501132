// What the end checks proved about a download, in the order they proved it: the checks of the summary, each also announced as a 'check' event.
import type {FetchEvent} from './events.js'
import type {PieceVerifier} from './piece-verifier.js'
import type {IntegrityCheck} from './summary.js'

/** Every finding of the end checks goes through here, so a verdict on the whole proof (such as "nothing vouched for these bytes") has one place to be made. */
export class Proof {
  readonly #checks: IntegrityCheck[] = []

  constructor(private readonly emit: (event: FetchEvent) => void) {}

  get checks(): IntegrityCheck[] {
    return this.#checks
  }

  record(check: IntegrityCheck): void {
    this.#checks.push(check)
    this.emit({type: 'check', name: check.name, ok: check.ok, detail: check.detail})
  }

  /** The piece hashes checked during the transfer: listed first, and not announced again. */
  recordPieces(verifier: PieceVerifier): void {
    this.#checks.unshift({name: 'pieces', ok: true, detail: `${verifier.checked} piece ${verifier.pieces.algorithm} hashes checked as pieces arrived, ${verifier.failed} failed and were refetched`})
  }
}
