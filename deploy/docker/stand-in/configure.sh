#!/bin/sh
# Stand-in for Open Liberty's configure.sh, which applies the image's optional configuration
# snippets and warms OpenJ9's shared class cache. Nothing to do on this HotSpot base but make the
# server's folders writable by group 0, as the official images do (any uid of group 0 may run it).
set -e
chmod -R g+rwX /opt/ol/wlp/usr/servers/defaultServer /opt/ol/wlp/output 2>/dev/null || true
