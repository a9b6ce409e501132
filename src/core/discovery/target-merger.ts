// Merges what sources say about the target (name, size, checksums, pieces), keeping the first claim and warning on conflicts.
import type {Checksum, Target, Warning} from '../model.js'
import {strongestFirst} from '../formats/hash-names.js'

export class TargetMerger {
  private readonly target: Target
  readonly warnings: Warning[] = []

  constructor(initial: Target) {
    this.target = {...initial, checksums: [...initial.checksums]}
  }

  merge(facts: Partial<Target>, source: string): void {
    if (facts.name && !this.target.name) this.target.name = facts.name
    if (facts.size !== undefined) {
      if (this.target.size === undefined) this.target.size = facts.size
      else if (this.target.size !== facts.size) {
        this.warnings.push({source, code: 'ECONFLICT', message: `says the size is ${facts.size}, but ${this.target.size} was found first`})
      }
    }
    for (const checksum of facts.checksums ?? []) this.mergeChecksum(checksum, source)
    if (facts.pieces && !this.target.pieces) this.target.pieces = facts.pieces
    if (facts.alternates?.length && !this.target.alternates) this.target.alternates = facts.alternates
    if (facts.etag && !this.target.etag) this.target.etag = facts.etag
    if (facts.modifiedAt && !this.target.modifiedAt) this.target.modifiedAt = facts.modifiedAt
  }

  private mergeChecksum(checksum: Checksum, source: string): void {
    const hex = checksum.hex.toLowerCase()
    const existing = this.target.checksums.find((known) => known.algorithm === checksum.algorithm)
    if (!existing) this.target.checksums.push({algorithm: checksum.algorithm, hex})
    else if (existing.hex !== hex) {
      this.warnings.push({
        source,
        code: 'ECONFLICT',
        message: `gives ${checksum.algorithm} ${hex}, but ${existing.hex} was found first`,
      })
    }
  }

  result(): Target {
    return {...this.target, checksums: strongestFirst(this.target.checksums)}
  }
}
