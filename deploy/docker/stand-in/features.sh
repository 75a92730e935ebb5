#!/bin/sh
# Stand-in for Open Liberty's features.sh, which installs the features server.xml names into a
# kernel-slim image from a feature repository. This base carries the whole runtime already.
echo "features.sh (stand-in): the runtime holds every feature; nothing to install"
