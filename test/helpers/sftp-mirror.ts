// Test access to the local SFTP mirror server.
export {startSftpMirror, type SftpMirror, type SftpMirrorOptions} from '../../src/mirrors/sftp-mirror.js'
export type {SftpFaults, SftpMirrorStats} from '../../src/mirrors/sftp-mirror-session.js'
