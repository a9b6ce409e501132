#!/usr/bin/env bash
# Starts nginx, vsftpd and OpenSSH sshd on 127.0.0.1 with generated configs in DIR (default: a new temp dir), serving DIR/data,
# records their pids in DIR/*.pid, and prints the path of DIR/env.json, which lists ports, paths and keys for the tests.
#
# usage: start.sh [DIR] [--services nginx,vsftpd,sshd] [--root DATA] [--tls CA_DIR] [--access-log]
#   --services    start only these daemons (the benchmark runs one nginx per mirror)
#   --root        serve DATA instead of DIR/data (read only; nothing is written there)
#   --tls CA_DIR  nginx speaks HTTPS only, with a certificate for 127.0.0.1 signed by CA_DIR/ca.pem and ca.key
#                 (a test CA, made there when missing)
#   --access-log  nginx logs every request to DIR/access.log: end time, duration, status, bytes, range, connection
set -euo pipefail

dir=""
services="nginx,vsftpd,sshd"
root=""
ca_dir=""
access_log=false
while [ $# -gt 0 ]; do
  case "$1" in
    --services) services="${2:?--services needs a list}"; shift 2 ;;
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --tls) ca_dir="${2:?--tls needs a CA directory}"; shift 2 ;;
    --access-log) access_log=true; shift ;;
    --*) echo "start.sh: unknown option $1" >&2; exit 2 ;;
    *) dir="$1"; shift ;;
  esac
done
wants() { [[ ",$services," == *",$1,"* ]]; }

dir="${dir:-$(mktemp -d -t mirrorkit-interop-XXXXXX)}"
dir="$(cd "$dir" && pwd)"
data="${root:-$dir/data}"
mkdir -p "$data" "$dir/nginx-temp"
# The daemons' workers run as other users and must read the served tree (a given root is left as it is).
chmod 755 "$dir"
if [ -z "$root" ]; then
  chmod 755 "$data"
  chmod -R a+rX "$data"
fi

# Free loopback ports: three single ones and a contiguous run of 20 for vsftpd's passive data connections.
read -r http_port ftp_port ssh_port pasv_min < <(node -e '
const net = require("node:net")
const free = (port) => new Promise((resolve) => { const s = net.createServer(); s.once("error", () => resolve(0)); s.listen(port, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)) }) })
;(async () => {
  const singles = [await free(0), await free(0), await free(0)]
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 40000 + Math.floor(Math.random() * 20000)
    let ok = true
    for (let port = base; port < base + 20 && ok; port++) ok = (await free(port)) === port
    if (ok) { console.log([...singles, base].join(" ")); return }
  }
  process.exit(1)
})()')
pasv_max=$((pasv_min + 19))
user="$(id -un)"

# nginx: plain HTTP, ranges on by default. With openssl at hand, /private/ serves the same tree behind
# basic auth (user "mirrorkit", password "right"), so the contract's bad-credentials case runs too.
auth=false
private_location=""
if command -v openssl >/dev/null 2>&1; then
  printf 'mirrorkit:%s\n' "$(openssl passwd -apr1 right)" >"$dir/htpasswd"
  chmod 644 "$dir/htpasswd"
  auth=true
  private_location="location /private/ { alias $data/; auth_basic \"mirrorkit\"; auth_basic_user_file $dir/htpasswd; }"
fi
# With --tls, one test CA (shared by every nginx given the same CA_DIR) signs this server's certificate.
listen_options=""
tls_lines=""
scheme=http
if [ -n "$ca_dir" ]; then
  mkdir -p "$ca_dir"
  # Several servers may start at once with the same CA directory: one makes the CA, the others wait for it.
  (
    flock 9
    if [ ! -s "$ca_dir/ca.pem" ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mirrorkit test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$ca_dir/ca.key.tmp" -out "$ca_dir/ca.pem.tmp" >/dev/null 2>&1
      mv "$ca_dir/ca.key.tmp" "$ca_dir/ca.key"
      mv "$ca_dir/ca.pem.tmp" "$ca_dir/ca.pem"
    fi
  ) 9>"$ca_dir/.lock"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/https.key" -out "$dir/https.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/https.ext"
  openssl x509 -req -in "$dir/https.csr" -CA "$ca_dir/ca.pem" -CAkey "$ca_dir/ca.key" -CAcreateserial \
    -CAserial "$dir/ca.srl" -days 2 -extfile "$dir/https.ext" -out "$dir/https.pem" >/dev/null 2>&1
  listen_options=" ssl"
  tls_lines="ssl_certificate $dir/https.pem; ssl_certificate_key $dir/https.key;"
  scheme=https
fi
log_lines="access_log off;"
if [ "$access_log" = true ]; then
  # \$msec is when the request ended; minus \$request_time it is when it arrived.
  log_lines="log_format bench '\$msec \$request_time \$status \$body_bytes_sent \$bytes_sent \$connection \$connection_requests \"\$http_range\"'; access_log $dir/access.log bench;"
fi
cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx-own.pid;
error_log $dir/nginx-error.log warn;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 256; }
http {
  $log_lines
  sendfile on;
  client_body_temp_path $dir/nginx-temp/body;
  proxy_temp_path $dir/nginx-temp/proxy;
  fastcgi_temp_path $dir/nginx-temp/fastcgi;
  uwsgi_temp_path $dir/nginx-temp/uwsgi;
  scgi_temp_path $dir/nginx-temp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$http_port$listen_options;
    $tls_lines
    root $data;
    $private_location
  }
}
CONF

# vsftpd: anonymous, read-only, passive only; no seccomp sandbox or network isolation, which containers refuse.
# With openssl at hand it also offers explicit TLS (AUTH TLS) on the same port, with a self-signed certificate.
mkdir -p /var/run/vsftpd/empty
ftps=false
ssl_lines="ssl_enable=NO"
if wants vsftpd && command -v openssl >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$dir/ftps.key" -out "$dir/ftps.pem" >/dev/null 2>&1
  ftps=true
  ssl_lines="ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=NO
rsa_cert_file=$dir/ftps.pem
rsa_private_key_file=$dir/ftps.key"
fi
cat >"$dir/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$ftp_port
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$data
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$pasv_min
pasv_max_port=$pasv_max
port_enable=NO
max_clients=0
max_per_ip=0
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
xferlog_enable=NO
vsftpd_log_file=$dir/vsftpd.log
$ssl_lines
CONF

# sshd: key-only login for the current user, host and client keys generated here, internal SFTP.
mkdir -p /run/sshd
if wants sshd; then
  ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key" -C interop-host
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C interop-client
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
fi
cat >"$dir/sshd_config" <<CONF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd-own.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
MaxStartups 100
MaxSessions 100
Subsystem sftp internal-sftp
LogLevel ERROR
CONF

# Each daemon stays in the foreground of its own background job, so $! is its pid; output goes to files so callers never wait on our pipes.
if wants nginx; then
  /usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" </dev/null >"$dir/nginx.out" 2>&1 &
  echo $! >"$dir/nginx.pid"
fi
if wants vsftpd; then
  /usr/sbin/vsftpd "$dir/vsftpd.conf" </dev/null >"$dir/vsftpd.out" 2>&1 &
  echo $! >"$dir/vsftpd.pid"
fi
if wants sshd; then
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >"$dir/sshd.out" 2>&1 &
  echo $! >"$dir/sshd.pid"
fi

wait_for() {
  local name="$1" port="$2"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "interop: $name did not listen on 127.0.0.1:$port; its log:" >&2
  cat "$dir/$name.out" "$dir/$name-error.log" "$dir/$name.log" 2>/dev/null >&2 || true
  "$(dirname "$0")/stop.sh" "$dir" --keep
  exit 1
}
if wants nginx; then wait_for nginx "$http_port"; fi
if wants vsftpd; then wait_for vsftpd "$ftp_port"; fi
if wants sshd; then wait_for sshd "$ssh_port"; fi

cat >"$dir/env.json" <<JSON
{
  "dir": "$dir",
  "dataDir": "$data",
  "services": "$services",
  "http": {"port": $http_port, "auth": $auth, "scheme": "$scheme", "ca": "${ca_dir:+$ca_dir/ca.pem}", "accessLog": "$( [ "$access_log" = true ] && echo "$dir/access.log" )"},
  "ftp": {"port": $ftp_port, "tls": $ftps, "certificate": "$dir/ftps.pem", "passivePorts": [$pasv_min, $pasv_max]},
  "ssh": {"port": $ssh_port, "user": "$user", "identity": "$dir/client_key", "knownHosts": "$dir/known_hosts"}
}
JSON
echo "$dir/env.json"
