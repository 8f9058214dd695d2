# The clubcast tracker as a container image, on the official Deno image.
#
#   docker build -t clubcast-tracker .
#   docker run -p 8000:8000 -v clubcast-tracker:/data clubcast-tracker
#
# Peer entries and channels live in an embedded Deno KV file in the /data volume. Pass
# other flags after the image name (they replace the defaults below), e.g. a denokv server:
#   docker run -p 8000:8000 -e DENO_KV_ACCESS_TOKEN=... clubcast-tracker \
#     --hostname 0.0.0.0 --kv http://denokv:4512
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

WORKDIR /app
COPY deno.json deno.lock package.json ./
RUN deno install
COPY lib/ lib/
COPY tracker/ tracker/
RUN deno cache --unstable-kv tracker/cli.ts tracker/main.ts \
  && mkdir -p /data && chown deno:deno /data

USER deno
VOLUME /data
EXPOSE 8000
ENTRYPOINT ["deno", "run", "--cached-only", "--allow-net", "--allow-read", "--allow-write=/data", "--allow-env", \
  "--unstable-kv", "tracker/cli.ts"]
CMD ["--hostname", "0.0.0.0", "--port", "8000", "--kv", "/data/clubcast-tracker.kv"]
