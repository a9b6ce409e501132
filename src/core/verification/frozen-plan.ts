// A verify plan made plain data (the primary's sample hashes read once, up front) so queue workers on many machines check every mirror against the same reference.
import {isErrorCode} from '../error-codes.js'
import {MirrorError} from '../errors.js'
import type {Checksum, PieceHashes, Target} from '../model.js'
import type {ByteRange} from '../../plugins/types.js'
import type {Plan} from './verify.js'

/** One sampled range of the primary: its hash, or why it could not be read (each mirror then notes it, as a local run does). */
export type FrozenHash = {hex: string} | {code: string}

export type FrozenSamples =
  | {kind: 'primary'; ranges: ByteRange[]; size: number; seed: number; hashes: FrozenHash[]}
  | {kind: 'pieces'; pieces: PieceHashes; indexes: number[]; size: number; seed: number}

export type FrozenFull = {against: 'checksum' | 'primary'; checksum: Checksum} | {against: 'checksum' | 'primary'; code: string}

export type FrozenPlan = {
  target: Target
  ignoreName: boolean
  notes: string[]
  primaryUrl?: string
  samples?: FrozenSamples
  full?: FrozenFull
}

function failureCode(error: unknown): string {
  return error instanceof MirrorError ? error.code : 'EINTERNAL'
}

/** The code a frozen failure carried, or EINTERNAL for one this mirrorkit does not know (a newer enqueuer's). */
function known(code: string) {
  return isErrorCode(code) ? code : 'EINTERNAL'
}

/** Reads everything the plan would read lazily (the primary's sampled ranges, its whole hash for --full), once. */
export async function freezePlan(plan: Plan, signal: AbortSignal): Promise<FrozenPlan> {
  const frozen: FrozenPlan = {target: plan.target, ignoreName: plan.ignoreName, notes: [...plan.notes]}
  if (plan.primaryUrl !== undefined) frozen.primaryUrl = plan.primaryUrl
  const samples = plan.samples
  if (samples?.kind === 'pieces') frozen.samples = samples
  else if (samples?.kind === 'primary') {
    const hashes = await Promise.all(
      samples.ranges.map((_, index) => samples.primaryHash(index, signal).then((hex): FrozenHash => ({hex}), (error: unknown): FrozenHash => {
        if (signal.aborted) throw error
        return {code: failureCode(error)}
      })),
    )
    frozen.samples = {kind: 'primary', ranges: samples.ranges, size: samples.size, seed: samples.seed, hashes}
  }
  if (plan.fullRef) {
    const {against} = plan.fullRef
    try {
      frozen.full = {against, checksum: await plan.fullRef.checksum(signal)}
    } catch (error) {
      if (signal.aborted) throw error
      frozen.full = {against, code: failureCode(error)}
    }
  }
  return frozen
}

/** The plan a worker checks with: the same code path as a local run, its reference answered from the frozen data. */
export function thawPlan(frozen: FrozenPlan): Plan {
  const plan: Plan = {target: frozen.target, ignoreName: frozen.ignoreName, notes: frozen.notes}
  if (frozen.primaryUrl !== undefined) plan.primaryUrl = frozen.primaryUrl
  const samples = frozen.samples
  if (samples?.kind === 'pieces') plan.samples = samples
  else if (samples?.kind === 'primary') {
    plan.samples = {
      kind: 'primary', ranges: samples.ranges, size: samples.size, seed: samples.seed,
      primaryHash: async (index) => {
        const hash = samples.hashes[index]
        if (!hash) throw new MirrorError(`no frozen hash for sample ${index}`, 'EJOBPAYLOAD')
        if ('code' in hash) throw new MirrorError('the primary could not be read when the plan was made', known(hash.code))
        return hash.hex
      },
    }
  }
  const full = frozen.full
  if (full) {
    plan.fullRef = {
      against: full.against,
      checksum: async () => {
        if ('code' in full) throw new MirrorError('the primary could not be read when the plan was made', known(full.code))
        return full.checksum
      },
    }
  }
  return plan
}
