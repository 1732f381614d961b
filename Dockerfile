# Strata's image: the `strata` binary, built with `deno compile`, on a small Debian.
#
#   docker build -t strata:0.1.0 .
#   docker run --rm -v "$PWD:/app" -e DATABASE_URL strata:0.1.0 upgrade head
#
# An app's image copies the binary and the entrypoint script from it; see the
# README, "Use Strata in your project":
#
#   COPY --from=strata:0.1.0 /usr/local/bin/strata /usr/local/bin/strata-entrypoint /usr/local/bin/
#
# The build stage downloads Deno's base runtime for the platform being built
# (`deno compile` does, once), so it needs internet access; with buildx,
# `--platform linux/amd64,linux/arm64` builds both.

ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /src
# Only what the binary is built from (.dockerignore keeps the rest out).
COPY deno.json deno.lock main.ts ./
COPY src/ src/
COPY scripts/release.ts scripts/
# Type-checks, compiles dist/strata for this platform, and runs `dist/strata --version`.
RUN deno task compile

# The compiled binary needs glibc (it is built for *-unknown-linux-gnu), and the
# entrypoint script needs /bin/sh: Debian slim has both; distroless has no shell.
FROM debian:bookworm-slim
COPY --from=build /src/dist/strata /usr/local/bin/strata
COPY docker/entrypoint.sh /usr/local/bin/strata-entrypoint
WORKDIR /app
ENTRYPOINT ["strata"]
CMD ["--help"]
