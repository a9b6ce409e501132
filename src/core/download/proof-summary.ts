// What a finished download proves about its bytes, as its summary states it: verified against a reference (a whole-file hash, piece hashes), or unverified, with what was compared instead.
import {describeReference, type Reference} from '../references/reference.js'
import {formatBytes} from '../units.js'

export type ProofSummary =
  | {
      status: 'verified'
      by: 'checksum' | 'pieces'
      reference?: Reference
      /** Mirrors caught serving wrong bytes, quarantined, their pieces fetched again from others. */
      culprits: string[]
    }
  | {
      status: 'unverified'
      /** About how many bytes were re-read from a second mirror, and their share of the file. */
      comparedBytes: number
      fraction: number
      /** Whose pieces were compared with another mirror. */
      mirrors: string[]
      /** What such a comparison can and cannot find. */
      note: string
    }

const SAMPLE_NOTE = 'catches a mirror serving another file or version; a byte corrupted here and there goes unnoticed without a reference hash'
const FULL_NOTE = 'every byte agrees between two mirrors; a file wrong at its source (or on both) goes unnoticed without a reference hash'

/** What proofSummary reads of a check (summary.ts's IntegrityCheck; summary.ts imports this file). */
type CheckResult = {name: string; ok: boolean; compared?: {bytes: number; mirrors: string[]}}

/** The proof the passed checks make: a matching whole-file hash, piece hashes, or only a cross-check. */
export function proofSummary(checks: readonly CheckResult[], reference: Reference | undefined, size: number, culprits: string[] = []): ProofSummary {
  const last = (name: string) => checks.findLast((check) => check.name === name)
  if (reference && last('checksum')?.ok) return {status: 'verified', by: 'checksum', reference, culprits}
  if (last('pieces')?.ok) return {status: 'verified', by: 'pieces', culprits}
  const compared = last('cross-check')?.compared ?? {bytes: 0, mirrors: []}
  const fraction = size > 0 ? compared.bytes / size : 0
  return {status: 'unverified', comparedBytes: compared.bytes, fraction, mirrors: compared.mirrors, note: fraction >= 1 ? FULL_NOTE : SAMPLE_NOTE}
}

function percent(fraction: number): string {
  return fraction >= 1 ? '100%' : `${Number((fraction * 100).toPrecision(2))}%`
}

/** One line for the summary. */
export function describeProof(proof: ProofSummary): string {
  if (proof.status === 'verified') {
    const what = proof.by === 'pieces' ? 'verified: every piece matched its published hash' : `verified: ${describeReference(proof.reference!)}`
    return proof.culprits.length > 0 ? `${what}; repaired what ${proof.culprits.join(', ')} had sent wrong` : what
  }
  const what = proof.comparedBytes > 0 ? `${formatBytes(proof.comparedBytes)} (${percent(proof.fraction)}) re-read from a second mirror` : 'nothing compared'
  return `unverified: no reference hash found; ${what} (${proof.note})`
}

/** The one-line notice on stderr for a file nobody published a hash of. */
export function unverifiedNotice(proof: ProofSummary): string | undefined {
  if (proof.status !== 'unverified') return undefined
  return `notice: the file is unverified: no reference hash was given or found (${formatBytes(proof.comparedBytes)}, ${percent(proof.fraction)} of it, compared between mirrors); give --checksum, or --require-reference to refuse such files`
}
