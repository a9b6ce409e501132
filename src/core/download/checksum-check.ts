// The whole-file checksum stage of the end checks: the file's hash against the reference, and when it differs, its culprits found and repaired, or a failure.
import {IntegrityError} from '../errors.js'
import {hashFile} from '../hashing.js'
import type {Checksum} from '../model.js'
import {suspectsOf, tryHypotheses, vote} from './culprits.js'
import type {EndCheckContext} from './end-check-context.js'
import type {Proof} from './proof.js'
import {repair} from './repair.js'

/** 'proved' when the file matches (now, or after an experiment); 'repair' when pieces were forgotten to be fetched again; throws when neither. */
export async function checksumRound(context: EndCheckContext, reference: Checksum, round: number, lastRound: boolean, proof: Proof): Promise<'proved' | 'repair'> {
  const found = await hashFile(context.sink.path, reference.algorithm, context.signal)
  const ok = found === reference.hex.toLowerCase()
  proof.record({name: 'checksum', ok, detail: ok ? `${reference.algorithm} of the whole file matches` : `${reference.algorithm} is ${found}, expected ${reference.hex}`})
  if (ok) return 'proved'
  const comparison = await vote(context, round)
  if ((comparison.blamed.size > 0 || comparison.badPieces.length > 0) && !lastRound) {
    const refetched = repair(context, comparison.blamed, comparison.badPieces, 'outvoted by two other mirrors')
    const blamed = [...comparison.blamed].map((id) => context.mirrors[id]!.displayUrl).join(', ') || 'no single mirror'
    proof.record({name: 'checksum', ok: false, detail: `blamed ${blamed} after comparing ${comparison.compared} pieces with other mirrors; refetching ${refetched} pieces`})
    return 'repair'
  }
  const suspects = suspectsOf(comparison)
  if (suspects.length > 0 && (await tryHypotheses(context, suspects, reference, proof))) return 'proved'
  throw new IntegrityError(`${reference.algorithm} mismatch: the file is ${found}, expected ${reference.hex} (${comparison.compared} pieces re-read from other mirrors found no culprit)`)
}
