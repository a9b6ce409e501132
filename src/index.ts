// The library API of mirrorkit: the stages as functions, and the types of the pipe format.
export * from './core/model.js'
export * from './core/errors.js'
export {redactUrl} from './core/redact.js'
export {TransportSet} from './core/transports.js'
export type * from './plugins/types.js'
export {verifyMirrors, type VerifyOptions, type VerifyEvent} from './core/verification/verify.js'
export {rankMirrors, type RankOptions, type RankEvent} from './core/ranking/rank.js'
export {loadHostHistory, type HostHistory, type HostRecord} from './core/ranking/history.js'
