#!/bin/sh
# Regenerates the TLS test keystores next to this script (run from anywhere; needs the JDK's keytool).
# Test-only key material: self-signed EC certificates, password "kemari-test", valid 100 years.
#   primary.p12, secondary.p12, stranger.p12   a key pair + self-signed certificate (CN=<name>)
#   primary-trust.p12                          trusts secondary
#   secondary-trust.p12                        trusts primary
#   stranger-trust.p12                         trusts secondary (stranger is trusted by nobody)
#   certless.p12                               only secondary's certificate: a client with no key
set -eu
cd "$(dirname "$0")"
pw=kemari-test
rm -f ./*.p12 ./*.pem
for name in primary secondary stranger; do
  keytool -genkeypair -alias "$name" -keyalg EC -groupname secp256r1 -dname "CN=$name" -validity 36500 \
    -storetype PKCS12 -keystore "$name.p12" -storepass "$pw" -keypass "$pw"
  keytool -exportcert -rfc -alias "$name" -keystore "$name.p12" -storepass "$pw" -file "$name.pem"
done
trust() { keytool -importcert -noprompt -alias "$2" -file "$2.pem" -storetype PKCS12 -keystore "$1.p12" -storepass "$pw"; }
trust primary-trust secondary
trust secondary-trust primary
trust stranger-trust secondary
trust certless secondary
rm -f ./*.pem

# PEM files, as openssl makes them (the pairing config's tls: {cert, key, ca} form):
#   primary.crt/.key, secondary.crt/.key   self-signed EC certificate + PKCS#8 key (CN=<name>)
#   pkcs1-rsa.key                          a key in the traditional PKCS#1 form, which must be refused with a hint
for name in primary secondary; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
    -subj "/CN=$name-pem" -keyout "$name.key" -out "$name.crt" 2>/dev/null
done
openssl genrsa -traditional -out pkcs1-rsa.key 2048 2>/dev/null
