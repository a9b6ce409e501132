// Test access to the local SFTP mirror server.
export {startSftpMirror, type SftpFaults, type SftpMirror, type SftpMirrorOptions, type SftpMirrorStats} from '../../src/mirrors/sftp-mirror.js'
