#!/usr/bin/env bash
# Installs the real daemons the interop tier runs against (nginx, vsftpd, OpenSSH sshd) when they are missing; Debian/Ubuntu, as root.
set -euo pipefail

need=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -x /usr/sbin/vsftpd ] || command -v vsftpd >/dev/null 2>&1 || need+=(vsftpd)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)

if [ ${#need[@]} -eq 0 ]; then
  echo "interop: nginx, vsftpd and sshd are already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "interop: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
