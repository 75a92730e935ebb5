#!/bin/sh
# Stand-in for Open Liberty's docker-server.sh (the official images' entry point): runs the command.
exec "$@"
