#!/usr/bin/env bash
# Starts nginx, vsftpd and OpenSSH sshd on 127.0.0.1 with generated configs in DIR (default: a new temp dir), serving DIR/data,
# records their pids in DIR/*.pid, and prints the path of DIR/env.json, which lists ports, paths and keys for the tests.
set -euo pipefail

dir="${1:-$(mktemp -d -t mirrorkit-interop-XXXXXX)}"
dir="$(cd "$dir" && pwd)"
data="$dir/data"
mkdir -p "$data" "$dir/nginx-temp"
# The daemons' workers run as other users and must read the served tree.
chmod 755 "$dir" "$data"
chmod -R a+rX "$data"

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
cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx-own.pid;
error_log $dir/nginx-error.log warn;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/nginx-temp/body;
  proxy_temp_path $dir/nginx-temp/proxy;
  fastcgi_temp_path $dir/nginx-temp/fastcgi;
  uwsgi_temp_path $dir/nginx-temp/uwsgi;
  scgi_temp_path $dir/nginx-temp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$http_port;
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
if command -v openssl >/dev/null 2>&1; then
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
ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key" -C interop-host
ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C interop-client
cp "$dir/client_key.pub" "$dir/authorized_keys"
echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
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
/usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log" </dev/null >"$dir/nginx.out" 2>&1 &
echo $! >"$dir/nginx.pid"
/usr/sbin/vsftpd "$dir/vsftpd.conf" </dev/null >"$dir/vsftpd.out" 2>&1 &
echo $! >"$dir/vsftpd.pid"
/usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >"$dir/sshd.out" 2>&1 &
echo $! >"$dir/sshd.pid"

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
wait_for nginx "$http_port"
wait_for vsftpd "$ftp_port"
wait_for sshd "$ssh_port"

cat >"$dir/env.json" <<JSON
{
  "dir": "$dir",
  "dataDir": "$data",
  "http": {"port": $http_port, "auth": $auth},
  "ftp": {"port": $ftp_port, "tls": $ftps, "certificate": "$dir/ftps.pem"},
  "ssh": {"port": $ssh_port, "user": "$user", "identity": "$dir/client_key", "knownHosts": "$dir/known_hosts"}
}
JSON
echo "$dir/env.json"
