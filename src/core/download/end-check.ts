// The end checks of a download, in order: sync the part file, then the whole-file checksum (with culprits and repair) or, without one, the cross-check; repaired pieces are refetched and checked again.
import {strongest} from '../hashing.js'
import {checksumRound} from './checksum-check.js'
import {crossCheckRound} from './cross-check.js'
import type {EndCheckContext} from './end-check-context.js'
import {Proof} from './proof.js'
import type {IntegrityCheck} from './summary.js'

/** Rounds of check and repair before a file that still fails is given up on. */
const REPAIR_ROUNDS = 3

/**
 * Piece hashes checked during the transfer are proof enough when there is no whole-file checksum.
 * Returns what was proved; throws IntegrityError when the file cannot be made right.
 */
export async function runEndChecks(context: EndCheckContext): Promise<IntegrityCheck[]> {
  const proof = new Proof(context.emit)
  const reference = strongest(context.checksums)
  for (let round = 1; ; round++) {
    await context.sink.sync()
    const lastRound = round >= REPAIR_ROUNDS
    if (reference) {
      if ((await checksumRound(context, reference, round, lastRound, proof)) === 'proved') break
    } else if (context.verifier) break
    else if ((await crossCheckRound(context, round, lastRound, proof)) === 'proved') break
    await context.refetch()
  }
  if (context.verifier) proof.recordPieces(context.verifier)
  return proof.checks
}
