# The reference server as a container image, for compose.yaml. Not built on this project's CI
# machine, which has no Docker engine: treat it as a starting point and try it before relying on it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Made here, owned by the unprivileged user, so that a volume mounted on it starts out writable.
RUN mkdir -p /var/lib/provision-lock/jobs /app/data && chown -R node:node /var/lib/provision-lock /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/server/cli.js", "serve"]
