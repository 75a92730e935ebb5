#!/usr/bin/env bash
# The master's REST API over HTTPS, from the PEM files its gRPC API reads (API_TLS_DIR).
#
#   api-tls.sh SERVER_DIR CERT_DIR
#
# Liberty reads a PKCS#12 keystore, not PEM, so CERT_DIR's tls.crt and tls.key (and ca.crt, when
# there, as the chain) go into SERVER_DIR/resources/security/api.p12 under a random password, which
# is appended to SERVER_DIR/server.env, and api-tls.xml goes into configDropins/overrides, where it
# turns the HTTP port into an HTTPS one. Used by scripts/local-cluster.sh (API_TLS=1) and by the
# container images' entry point (when API_TLS_DIR is set).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SERVER_DIR CERT_DIR" >&2; exit 2; }
dir=$1 certs=$2
for f in tls.crt tls.key; do
  [ -r "$certs/$f" ] || { echo "api-tls: $certs has no readable $f" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "api-tls: needs openssl" >&2; exit 1; }
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
chain=()
[ -r "$certs/ca.crt" ] && chain=(-certfile "$certs/ca.crt")
mkdir -p "$dir/resources/security" "$dir/configDropins/overrides"
(umask 077 && openssl pkcs12 -export -in "$certs/tls.crt" -inkey "$certs/tls.key" "${chain[@]}" \
  -name default -out "$dir/resources/security/api.p12" -passout "pass:$password")
# A password of an earlier start is replaced, not repeated.
touch "$dir/server.env"
sed -i '/^API_KEYSTORE_PASSWORD=/d' "$dir/server.env"
printf 'API_KEYSTORE_PASSWORD=%s\n' "$password" >>"$dir/server.env"
chmod 600 "$dir/server.env"
cp "$(dirname "${BASH_SOURCE[0]}")/api-tls.xml" "$dir/configDropins/overrides/"
