#!/usr/bin/env bash
# Checks deploy/nginx/portal.conf with `nginx -t`: a throw-away self-signed certificate and a minimal nginx.conf
# in FOLDER (default a temporary one) include the site as it is, with only the certificate paths pointed there.
set -euo pipefail
cd "$(dirname "$0")/../.."
folder=${1:-$(mktemp -d)}
mkdir -p "$folder/logs"
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=studios.example.gov.cn" \
  -keyout "$folder/studios.key" -out "$folder/studios.crt" >/dev/null 2>&1
sed -e "s|/etc/ssl/certs/studios.crt|$folder/studios.crt|" -e "s|/etc/ssl/private/studios.key|$folder/studios.key|" \
  deploy/nginx/portal.conf > "$folder/portal.conf"
cat > "$folder/nginx.conf" <<CONF
pid $folder/nginx.pid;
error_log $folder/logs/error.log;
events { worker_connections 64; }
http {
    access_log $folder/logs/access.log;
    client_body_temp_path $folder/body;
    proxy_temp_path $folder/proxy;
    fastcgi_temp_path $folder/fastcgi;
    uwsgi_temp_path $folder/uwsgi;
    scgi_temp_path $folder/scgi;
    include $folder/portal.conf;
}
CONF
nginx -t -p "$folder" -c "$folder/nginx.conf" 2>&1
