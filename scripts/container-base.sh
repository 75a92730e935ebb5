#!/usr/bin/env bash
# A stand-in for Open Liberty's official image, for machines that cannot reach a registry: Debian's
# minimal system with a JRE, the Open Liberty runtime this build unpacked (target/liberty/wlp), and
# the official images' layout (/opt/ol/wlp, /config, /output, features.sh, configure.sh, user 1001
# of group 0). deploy/docker's Dockerfiles build on it with BASE=localhost/distexec-liberty-base.
#
#   scripts/container-base.sh            makes localhost/distexec-liberty-base (buildah, vfs storage)
#
# The Debian system (debootstrap, ~1 min) is cached in ~/.cache/distexec/container-base and made
# again only when missing. Needs root, buildah and debootstrap (apt-get install buildah podman runc
# debootstrap).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${DISTEXEC_CACHE:-$HOME/.cache/distexec}/container-base
IMAGE=localhost/distexec-liberty-base:latest
WLP=$ROOT/target/liberty/wlp
B=(buildah --storage-driver vfs)

for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || { echo "container-base: needs $tool (apt-get install buildah podman runc debootstrap)" >&2; exit 1; }
done
[ -x "$WLP/bin/server" ] || { echo "container-base: no Liberty runtime in $WLP; run ./mvnw -B install -DskipTests first" >&2; exit 1; }

rootfs=$CACHE/rootfs.tar
if [ ! -s "$rootfs" ]; then
  echo "container-base: making a Debian system with a JRE in $CACHE (once) ..." >&2
  mkdir -p "$CACHE"
  dir=$(mktemp -d "$CACHE/debootstrap.XXXX")
  mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,openssl bookworm "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
  # Caches and documentation are not needed at run time.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc "$dir"/usr/share/man
  tar -C "$dir" -cf "$rootfs.tmp" . && mv "$rootfs.tmp" "$rootfs"
  rm -rf "$dir"
fi

c=$("${B[@]}" from scratch)
trap '"${B[@]}" rm "$c" >/dev/null 2>&1 || true' EXIT
"${B[@]}" add "$c" "$rootfs" / >/dev/null
"${B[@]}" copy "$c" "$WLP" /opt/ol/wlp >/dev/null
"${B[@]}" copy "$c" "$ROOT/deploy/docker/stand-in/features.sh" "$ROOT/deploy/docker/stand-in/configure.sh" /opt/ol/helpers/build/ >/dev/null
"${B[@]}" copy "$c" "$ROOT/deploy/docker/stand-in/docker-server.sh" /opt/ol/helpers/runtime/ >/dev/null
# The official layout: the server's folders, /config and /output pointing into them, user 1001.
"${B[@]}" run --isolation chroot "$c" -- sh -c '
  set -e
  rm -rf /opt/ol/wlp/usr/servers/* /opt/ol/wlp/output
  mkdir -p /opt/ol/wlp/usr/servers/defaultServer/apps /opt/ol/wlp/output/defaultServer /logs
  ln -s /opt/ol/wlp/usr/servers/defaultServer /config
  ln -s /opt/ol/wlp/output/defaultServer /output
  echo "default:x:1001:0:Open Liberty user:/opt/ol/wlp/output:/bin/false" >>/etc/passwd
  chown -R 1001:0 /opt/ol/wlp/usr /opt/ol/wlp/output /logs
  chmod -R g+rwX /opt/ol/wlp/usr /opt/ol/wlp/output /logs'
"${B[@]}" config \
  --env PATH=/opt/ol/wlp/bin:/opt/ol/helpers/build:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env LOG_DIR=/logs --env WLP_OUTPUT_DIR=/opt/ol/wlp/output \
  --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
  --user 1001:0 --workingdir /opt/ol/wlp \
  --entrypoint '["/opt/ol/helpers/runtime/docker-server.sh"]' \
  --cmd '/opt/ol/wlp/bin/server run defaultServer' \
  --label org.opencontainers.image.description="Stand-in for Open Liberty's image (scripts/container-base.sh)" \
  "$c"
"${B[@]}" commit --quiet "$c" "$IMAGE" >/dev/null
echo "container-base: $IMAGE" >&2
