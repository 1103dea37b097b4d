#!/usr/bin/env bash
# Generates a throwaway CA, a server certificate for localhost/127.0.0.1 and
# a client certificate (for mutual TLS) into DIR. Test use only.
set -euo pipefail
dir=${1:?usage: gen_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=otel-test-ca" \
    -keyout ca.key -out ca.pem 2>/dev/null
cat > ext.cnf <<'CNF'
[server]
subjectAltName = DNS:localhost, IP:127.0.0.1
extendedKeyUsage = serverAuth
[client]
extendedKeyUsage = clientAuth
CNF
for who in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=otel-test-$who" \
        -keyout "$who.key" -out "$who.csr" 2>/dev/null
    openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile ext.cnf -extensions "$who" -out "$who.pem" 2>/dev/null
done
rm -f ./*.csr ext.cnf ca.srl
