#!/usr/bin/env bash
# The fleet's certificates for mutual TLS between the agents and the hub (openssl, EC P-256).
#
#   scripts/fleet-certs.sh DIR [--hub-name NAME]... [HOST...]
#
# Writes into DIR (created; keys mode 0600):
#   ca.crt  ca.key       the fleet CA (made once; later runs reuse it, so hosts can be added at any time)
#   hub.crt hub.key      the hub's server certificate: SAN DNS:localhost, IP:127.0.0.1 and each --hub-name
#                        (a name, or an IPv4 address), extended key usage serverAuth
#   HOST.crt HOST.key    one client certificate per host, CN=HOST (a host's identity is its CN),
#                        extended key usage clientAuth
#   operator.crt operator.key  a client certificate CN=operator for people and scripts
# An existing HOST.crt is kept (delete it to issue a new one). Host names: letters, digits, '.', '_', '-'.
# Exit codes: 0 done, 2 bad usage (one line on stderr says what to do), 3 openssl failed.
set -euo pipefail

DAYS_CA=3650
DAYS_CERT=825

die() { echo "fleet-certs.sh: $1" >&2; exit "${2:-2}"; }
[ $# -ge 1 ] || die "usage: fleet-certs.sh DIR [--hub-name NAME]... [HOST...]"
command -v openssl >/dev/null || die "openssl is missing: run scripts/install-deps.sh"

dir=$1
shift
hub_names=()
hosts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hub-name)
      [ $# -ge 2 ] || die "--hub-name needs a name"
      [[ "$2" =~ ^[A-Za-z0-9.-]+$ ]] || die "hub name '$2' is not a DNS name or IPv4 address"
      hub_names+=("$2"); shift 2 ;;
    -*) die "unknown option '$1' (known: --hub-name NAME)" ;;
    *)
      [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] \
        || die "host name '$1' is not usable as a certificate CN: letters, digits, '.', '_', '-' (at most 63)"
      case "$1" in ca|hub) die "host name '$1' is reserved (it names the CA's or the hub's files)";; esac
      hosts+=("$1"); shift ;;
  esac
done

mkdir -p "$dir"
umask 077
cd "$dir"

ossl() { openssl "$@" 2>openssl.err || { cat openssl.err >&2; rm -f openssl.err; die "openssl $1 failed" 3; }; rm -f openssl.err; }

newkey() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; chmod 0600 "$1"; }

if [ ! -f ca.crt ] || [ ! -f ca.key ]; then
  newkey ca.key
  ossl req -x509 -new -key ca.key -sha256 -days "$DAYS_CA" -subj "/CN=changegraph fleet CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
fi

# issue NAME SUBJECT EXTENSIONS: NAME.key + NAME.crt signed by the CA
issue() {
  local name=$1 subject=$2 ext=$3
  newkey "$name.key"
  ossl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  printf '%b' "$ext" > "$name.ext"
  ossl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS_CERT" \
    -extfile "$name.ext" -out "$name.crt"
  rm -f "$name.csr" "$name.ext"
  chmod 0644 "$name.crt"
}

san="DNS:localhost,IP:127.0.0.1"
for name in "${hub_names[@]}"; do
  if [[ "$name" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then san+=",IP:$name"; else san+=",DNS:$name"; fi
done
# the hub certificate is reissued when --hub-name asks for other names than it has
if [ ! -f hub.crt ] || { [ ${#hub_names[@]} -gt 0 ] && [ "$(cat hub.san 2>/dev/null)" != "$san" ]; }; then
  issue hub "/CN=changegraph hub" "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=$san\n"
  echo "$san" > hub.san
fi
client_ext="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
[ -f operator.crt ] || issue operator "/CN=operator" "$client_ext"
for host in "${hosts[@]}"; do
  [ -f "$host.crt" ] || issue "$host" "/CN=$host" "$client_ext"
done
chmod 0644 ca.crt
echo "fleet-certs: $(pwd): ca.crt hub.crt ($(cat hub.san)) operator.crt${hosts[*]:+ }${hosts[*]/%/.crt}"
