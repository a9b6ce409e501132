// Saves the resume state while a download runs: the data is fsynced, then the pieces it holds go into the control file, atomically.
import {encodeDone, writeControl} from './control-file.js'
import type {FileSink} from './file-sink.js'
import {toDiskError} from './file-sink.js'
import type {TargetInfo} from './mirror-setup.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'
import {controlState} from './resume.js'

export class Checkpoints {
  /** Done pieces at the last save, so an unchanged map is not saved again. */
  #saved = -1
  /** Saves run one after another; this is the last one queued. */
  #saving = Promise.resolve()
  #timer?: NodeJS.Timeout

  constructor(
    private readonly map: PieceMap,
    private readonly sink: FileSink,
    private readonly target: TargetInfo,
    private readonly mirrors: readonly MirrorState[],
    readonly statePath: string,
  ) {}

  /** Saves every `intervalMs`; a save that fails (disk full) is handed to `onFailure`, which stops the download. */
  start(intervalMs: number, onFailure: (error: unknown) => void): void {
    this.#timer = setInterval(() => void this.save().catch((error) => onFailure(toDiskError(error, this.statePath))), intervalMs)
  }

  /** Saves now, after any save in progress. */
  save(): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      if (this.map.doneCount === this.#saved) return
      // Snapshot first: only pieces whose writes finished before the fsync may be recorded.
      const snapshot = this.map.snapshot()
      await this.sink.sync()
      await writeControl(this.statePath, controlState(this.target, this.mirrors, this.map, encodeDone(snapshot.done, snapshot.deliveredBy)))
      this.#saved = snapshot.doneCount
    })
    return this.#saving
  }

  /** No more saves; waits for the one in progress and throws its failure. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#saving
  }

  /** No more timed saves, after a failure: the one in progress may fail too, and `final` saves what is on disk for a re-run. */
  async abandon(final: boolean): Promise<void> {
    clearInterval(this.#timer)
    await this.#saving.catch(() => undefined)
    if (final) await this.save().catch(() => undefined)
  }
}
