#!/usr/bin/env bash
# Makes an RSA key pair in DIR and prints a bearer token (RS256) it signs, for load tests with
# authentication on: issuer "load-test", audience "credit-scorer", subject "load-test", the given
# roles (default: scorer), valid for a day. The service verifies it with
#   -Dscorer.auth.enabled=true -Dmp.jwt.verify.publickey.location=DIR/public.pem
#   -Dmp.jwt.verify.issuer=load-test -Dmp.jwt.verify.audiences=credit-scorer
# Usage: loadtest/jwt.sh DIR [ROLE...]
set -euo pipefail
DIR=${1:?usage: loadtest/jwt.sh DIR [ROLE...]}
shift
ROLES=("${@:-scorer}")
mkdir -p "$DIR"
if [ ! -f "$DIR/private.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/private.pem" 2>/dev/null
  openssl pkey -in "$DIR/private.pem" -pubout -out "$DIR/public.pem"
fi
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
groups=$(printf '"%s",' "${ROLES[@]}")
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
claims=$(printf '{"iss":"load-test","aud":"credit-scorer","sub":"load-test","groups":[%s],"iat":%d,"exp":%d}' \
  "${groups%,}" "$now" $((now + 86400)) | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$DIR/private.pem" | b64url)
echo "$header.$claims.$signature"
